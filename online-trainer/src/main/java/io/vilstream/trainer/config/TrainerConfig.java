package io.vilstream.trainer.config;

import java.time.Duration;
import java.util.Map;

import io.vilstream.model.config.ModelConfig;
import io.vilstream.model.loss.LossWeights;
import io.vilstream.model.training.LearningRateSchedule;
import io.vilstream.model.training.TrainingConfig;
import io.vilstream.modelstore.ModelStoreTopics;
import io.vilstream.runtime.config.CommonConfig;
import io.vilstream.runtime.kafka.KafkaSettings;
import io.vilstream.schemas.topics.TopicSet;
import io.vilstream.schemas.topics.VilstreamTopic;
import io.vilstream.trainer.gate.GateMetric;
import io.vilstream.trainer.replay.ReplayPolicy;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;

/**
 * The online trainer's configuration, declared once (the docs table is generated from it with
 * {@code ConfigDocs.markdown(TrainerConfig.CONFIG)}): the shared keys of {@link CommonConfig}
 * plus optimisation, replay, hard negatives, the validation set, the gate and retention.
 * Relations between keys (a replay buffer that can hold a batch, ...) are checked here too, so a
 * bad combination fails at start-up naming the key.
 */
public final class TrainerConfig extends AbstractConfig {

    public static final int DEFAULT_METRICS_PORT = 9402;

    public static final String MODEL_PRESET = CommonConfig.MODEL_PRESET;
    public static final String BATCH_SIZE = "trainer.batch.size";
    public static final String LEARNING_RATE = "trainer.learning.rate";
    public static final String LEARNING_RATE_WARMUP_STEPS = "trainer.learning.rate.warmup.steps";
    public static final String WEIGHT_DECAY = "trainer.weight.decay";
    public static final String LOSS = "trainer.loss";
    public static final String SEED = "trainer.seed";
    public static final String BATCH_NEW_FRACTION = "trainer.batch.new.fraction";
    public static final String FRESH_QUEUE_SIZE = "trainer.fresh.queue.size";
    public static final String REPLAY_SIZE = "trainer.replay.size";
    public static final String REPLAY_POLICY = "trainer.replay.policy";
    public static final String IDLE_STEPS = "trainer.idle.steps";
    public static final String CONTENT_CACHE_SIZE = "trainer.content.cache.size";
    public static final String VALIDATION_SIZE = "trainer.validation.size";
    public static final String VALIDATION_MIN_ITEMS = "trainer.validation.min.items";
    public static final String GATE_INTERVAL_STEPS = "trainer.gate.interval.steps";
    public static final String GATE_INTERVAL_MS = "trainer.gate.interval.ms";
    public static final String GATE_METRIC = "trainer.gate.metric";
    public static final String GATE_TOLERANCE = "trainer.gate.tolerance";
    public static final String GATE_FLOOR = "trainer.gate.floor";
    public static final String VALIDATION_RENDITIONS = "trainer.validation.renditions";
    public static final String GATE_REVERT_AFTER_REJECTIONS = "trainer.gate.revert.after.rejections";
    public static final String HARD_NEGATIVES_WARMUP_STEPS = "trainer.hard.negatives.warmup.steps";
    public static final String HARD_NEGATIVES_MAX = "trainer.hard.negatives.max";
    public static final String HARD_NEGATIVES_ANCHOR_FRACTION = "trainer.hard.negatives.anchor.fraction";
    public static final String HARD_NEGATIVES_QUEUE_SIZE = "trainer.hard.negatives.queue.size";
    public static final String RETENTION_VERSIONS = "trainer.retention.versions";
    public static final String VOCABULARY_MIN_COUNT = "trainer.vocabulary.min.count";
    public static final String VOCABULARY_MAX_SIZE = "trainer.vocabulary.max.size";
    public static final String VOCABULARY_MIN_TRAIN_ITEMS = "trainer.vocabulary.min.train.items";
    public static final String POLL_MS = "trainer.poll.ms";
    public static final String STORE_TIMEOUT_MS = "trainer.store.timeout.ms";

    public static final ConfigDef CONFIG = CommonConfig.define(new ConfigDef(), DEFAULT_METRICS_PORT)
            .define(BATCH_SIZE, Type.INT, 64, Range.between(2, 4096), Importance.HIGH,
                    "Anchors per training step (in-batch negatives). The trainer waits until it has seen this many train items.")
            .define(LEARNING_RATE, Type.DOUBLE, 2e-3, Range.between(1e-9, 1e6), Importance.HIGH,
                    "AdamW learning rate after warm-up (constant: online training has no end to decay towards).")
            .define(LEARNING_RATE_WARMUP_STEPS, Type.INT, 100, Range.atLeast(0), Importance.LOW,
                    "Linear learning-rate warm-up from the lineage's first step.")
            .define(WEIGHT_DECAY, Type.DOUBLE, -1.0, new MinusOneOrRange(10, "the preset's"), Importance.LOW,
                    "AdamW decoupled weight decay. -1 = the preset's: " + TrainingConfig.BACKBONE_WEIGHT_DECAY
                            + " with a frozen text backbone (the trained image side overfits the train concepts "
                            + "fast), else " + TrainingConfig.DEFAULT_WEIGHT_DECAY + ".")
            .define(LOSS, Type.STRING, "multi_view", ValidString.in("multi_view", "multi_view_no_tags", "single_view"),
                    Importance.MEDIUM, "View pairs of the loss: all four ERNIE-ViL 2.0 pairs, all but the tag view, or (I,T) only.")
            .define(SEED, Type.LONG, 42L, Importance.LOW, "Seed of view sampling and replay sampling.")
            .define(BATCH_NEW_FRACTION, Type.DOUBLE, 0.5, Range.between(0.0, 1.0), Importance.MEDIUM,
                    "Share of a batch given to items not trained on before (the rest is replayed, against forgetting); "
                            + "more when the replay buffer is too small to fill the batch.")
            .define(FRESH_QUEUE_SIZE, Type.INT, 1024, Range.between(1, 1_000_000), Importance.LOW,
                    "New items decoded and waiting for their first step at most; above it the content partitions are "
                            + "paused (the topic is the buffer).")
            .define(REPLAY_SIZE, Type.INT, 2000, Range.between(2, 10_000_000), Importance.HIGH,
                    "Train items kept decoded for replay (about 100 KB each at 64×64 with two renditions).")
            .define(REPLAY_POLICY, Type.STRING, ReplayPolicy.FIFO.id(), ValidString.in(ReplayPolicy.ids()), Importance.MEDIUM,
                    "Which item a full replay buffer drops: fifo (the oldest: follows drift) or reservoir (a uniform "
                            + "sample of everything seen: resists forgetting).")
            .define(IDLE_STEPS, Type.LONG, -1L, Range.atLeast(-1), Importance.MEDIUM,
                    "Steps trained on the replay buffer alone after the last new item; -1 = keep training, 0 = train only "
                            + "when new items arrive. An idle trainer blocks in poll, it never spins.")
            .define(CONTENT_CACHE_SIZE, Type.INT, 20_000, Range.between(1, 10_000_000), Importance.MEDIUM,
                    "Train-split content events kept (encoded, a few KB each) so hard negatives named by id can be "
                            + "re-encoded with the current weights.")
            .define(VALIDATION_SIZE, Type.INT, 500, Range.between(1, 1_000_000), Importance.HIGH,
                    "Validation items at most: the val-split items seen with the smallest SHA-256 of their id (the same "
                            + "set in every process, whatever the arrival order).")
            .define(VALIDATION_RENDITIONS, Type.INT, 2, Range.between(1, 16), Importance.MEDIUM,
                    "Image renditions of each validation item the gate scores as queries (the first N; an item with "
                            + "fewer repeats its primary), recall averaged over them; 1 = the primary only. They are "
                            + "decoded anyway: each costs one image pass per evaluation.")
            .define(VALIDATION_MIN_ITEMS, Type.INT, 5, Range.atLeast(2), Importance.MEDIUM,
                    "Validation items the gate needs; with fewer no version is published.")
            .define(GATE_INTERVAL_STEPS, Type.INT, 500, Range.atLeast(1), Importance.HIGH,
                    "Steps between gate evaluations (a candidate version each time).")
            .define(GATE_INTERVAL_MS, Type.LONG, 600_000L, Range.atLeast(1), Importance.HIGH,
                    "Wall-clock time after which the gate evaluates a candidate even before gate.interval.steps steps "
                            + "(if at least one step was trained).")
            .define(GATE_METRIC, Type.STRING, GateMetric.MEAN_RECALL.id(), ValidString.in(GateMetric.ids()), Importance.MEDIUM,
                    "The gate's score: mean_recall (mean of R@1, R@5, R@10 in both directions), r10 or r1 (mean of "
                            + "both directions).")
            .define(GATE_TOLERANCE, Type.DOUBLE, 0.01, Range.between(0.0, 1.0), Importance.HIGH,
                    "A candidate is promoted only if its score >= the served version's score on the same validation "
                            + "set minus this (and it clears the floor, " + GATE_FLOOR + ").")
            .define(GATE_FLOOR, Type.DOUBLE, -1.0, new MinusOneOrRange(1, "the tolerance"), Importance.HIGH,
                    "A candidate is promoted only if its score >= the score of the best version promoted so far in the "
                            + "lineage (on the same validation set) minus this, so promotions cannot drift down by more "
                            + "than this in all. -1 = the tolerance; else at least " + GATE_TOLERANCE + ".")
            .define(GATE_REVERT_AFTER_REJECTIONS, Type.INT, 2, Range.atLeast(0), Importance.MEDIUM,
                    "After this many rejections in a row training restarts from the promoted weights (0 = never; a "
                            + "diverged model always restarts).")
            .define(HARD_NEGATIVES_WARMUP_STEPS, Type.INT, 300, Range.atLeast(0), Importance.MEDIUM,
                    "Lineage steps before hard negatives join the loss (VSE++: too early stalls learning).")
            .define(HARD_NEGATIVES_MAX, Type.INT, 32, Range.between(0, 4096), Importance.MEDIUM,
                    "Extra candidate columns per step at most.")
            .define(HARD_NEGATIVES_ANCHOR_FRACTION, Type.DOUBLE, 0.25, Range.between(0.0, 1.0), Importance.LOW,
                    "Share of a batch given to anchors that have queued hard negatives.")
            .define(HARD_NEGATIVES_QUEUE_SIZE, Type.INT, 10_000, Range.between(1, 10_000_000), Importance.LOW,
                    "Anchors with pending hard negatives at most (the newest record per anchor; oldest dropped).")
            .define(RETENTION_VERSIONS, Type.INT, 10, Range.between(1, 100_000), Importance.MEDIUM,
                    "Versions kept on the model topics: the newest this many plus the served one and the best one the "
                            + "gate names; older ones are tombstoned in the publication transaction.")
            .define(VOCABULARY_MIN_COUNT, Type.INT, 2, Range.atLeast(1), Importance.LOW,
                    "Train items a producer tag needs to enter the tagger's vocabulary.")
            .define(VOCABULARY_MAX_SIZE, Type.INT, 4096, Range.between(0, 1_000_000), Importance.LOW,
                    "Tags in the tagger's vocabulary at most.")
            .define(VOCABULARY_MIN_TRAIN_ITEMS, Type.INT, 0, Range.atLeast(0), Importance.LOW,
                    "At a lineage's first start, train items read (besides reaching the content topic's end) before the "
                            + "vocabulary is fixed and version 0 built; 0 = the batch size.")
            .define(POLL_MS, Type.LONG, 1000L, Range.between(1, 60_000), Importance.LOW,
                    "How long an idle trainer blocks in poll (also bounds how fast it notices a rollback while idle).")
            .define(STORE_TIMEOUT_MS, Type.LONG, 60_000L, Range.between(1000, 3_600_000), Importance.LOW,
                    "Timeout of reading the model topics (state, checkpoints).");

    /** -1 (a derived default, named in the message), or a value in [0, max]. */
    private record MinusOneOrRange(int max, String meaning) implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            double v = (Double) value;
            if (v != -1.0 && !(v >= 0 && v <= max)) {
                throw new ConfigException(name, value, "must be -1 (" + meaning + ") or in [0, " + max + "]");
            }
        }

        @Override
        public String toString() {
            return "-1 or [0.0,...," + max + ".0]";
        }
    }

    private final TopicSet topics;

    public TrainerConfig(Map<?, ?> props) {
        super(CONFIG, props);
        try {
            this.topics = TopicSet.fromConfig(originalsStrings());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("topics.*", originalsWithPrefix("topics.", false), e.getMessage());
        }
        if (getInt(REPLAY_SIZE) < getInt(BATCH_SIZE)) {
            throw new ConfigException(REPLAY_SIZE, getInt(REPLAY_SIZE),
                    "must hold at least one batch (" + BATCH_SIZE + " = " + getInt(BATCH_SIZE) + ")");
        }
        double floor = getDouble(GATE_FLOOR);
        if (floor >= 0 && floor < getDouble(GATE_TOLERANCE)) {
            // below the tolerance the floor would decide alone and the tolerance would mean nothing
            throw new ConfigException(GATE_FLOOR, floor, "must be -1 (the tolerance) or at least " + GATE_TOLERANCE
                    + " = " + getDouble(GATE_TOLERANCE) + "; lower the tolerance instead");
        }
        if (getInt(VALIDATION_MIN_ITEMS) > getInt(VALIDATION_SIZE)) {
            throw new ConfigException(VALIDATION_MIN_ITEMS, getInt(VALIDATION_MIN_ITEMS),
                    "cannot exceed " + VALIDATION_SIZE + " = " + getInt(VALIDATION_SIZE));
        }
    }

    public String modelName() {
        return getString(CommonConfig.MODEL_NAME);
    }

    public long modelSeed() {
        return getLong(CommonConfig.MODEL_SEED);
    }

    /** The architecture of version 0 (the same preset every service uses). */
    public ModelConfig modelConfig() {
        return ModelConfig.preset(getString(MODEL_PRESET));
    }

    /** How the contrastive trainer learns, from the keys above. */
    public TrainingConfig trainingConfig() {
        // views and augmentation follow the architecture (a frozen text backbone trains on whole
        // captions, a bounded set of keyword phrases and drawing-style augmentation)
        TrainingConfig d = TrainingConfig.forModel(modelConfig(), getLong(SEED), 0);
        float lr = getDouble(LEARNING_RATE).floatValue();
        return new TrainingConfig(getInt(BATCH_SIZE),
                new LearningRateSchedule(lr, lr, getInt(LEARNING_RATE_WARMUP_STEPS), 0),
                getDouble(WEIGHT_DECAY) == -1.0 ? d.weightDecay() : getDouble(WEIGHT_DECAY).floatValue(), lossWeights(),
                d.views(), d.textSideAugment(), d.imageSideAugment(),
                getInt(HARD_NEGATIVES_WARMUP_STEPS), getInt(HARD_NEGATIVES_MAX), d.tagTopK(), d.tagThreshold(), getLong(SEED));
    }

    private LossWeights lossWeights() {
        return switch (getString(LOSS)) {
            case "single_view" -> LossWeights.singleView();
            case "multi_view_no_tags" -> LossWeights.multiViewNoTags();
            default -> LossWeights.multiView();
        };
    }

    public KafkaSettings kafkaSettings() {
        return CommonConfig.kafkaSettings(this);
    }

    public TopicSet topics() {
        return topics;
    }

    public String contentTopic() {
        return topics.name(VilstreamTopic.CONTENT);
    }

    public String hardNegativesTopic() {
        return topics.name(VilstreamTopic.HARD_NEGATIVES);
    }

    public ModelStoreTopics modelStoreTopics() {
        return new ModelStoreTopics(topics.name(VilstreamTopic.MODEL_VERSIONS), topics.name(VilstreamTopic.MODEL_CHECKPOINTS));
    }

    /**
     * The transactional id and consumer group: one trainer per model lineage, so a second instance
     * (or a restarted one) fences the first and takes over its committed offsets.
     */
    public String instanceId() {
        return "vilstream-trainer-" + modelName();
    }

    public int batchSize() {
        return getInt(BATCH_SIZE);
    }

    public double batchNewFraction() {
        return getDouble(BATCH_NEW_FRACTION);
    }

    public int freshQueueSize() {
        return getInt(FRESH_QUEUE_SIZE);
    }

    public int replaySize() {
        return getInt(REPLAY_SIZE);
    }

    public ReplayPolicy replayPolicy() {
        return ReplayPolicy.parse(getString(REPLAY_POLICY));
    }

    public long idleSteps() {
        return getLong(IDLE_STEPS);
    }

    public int contentCacheSize() {
        return getInt(CONTENT_CACHE_SIZE);
    }

    public int validationSize() {
        return getInt(VALIDATION_SIZE);
    }

    public int validationMinItems() {
        return getInt(VALIDATION_MIN_ITEMS);
    }

    public int gateIntervalSteps() {
        return getInt(GATE_INTERVAL_STEPS);
    }

    public Duration gateInterval() {
        return Duration.ofMillis(getLong(GATE_INTERVAL_MS));
    }

    public GateMetric gateMetric() {
        return GateMetric.parse(getString(GATE_METRIC));
    }

    public double gateTolerance() {
        return getDouble(GATE_TOLERANCE);
    }

    /** How far below the best promoted score a candidate may be ({@value #GATE_FLOOR}; -1 = the tolerance). */
    public double gateFloor() {
        double floor = getDouble(GATE_FLOOR);
        return floor < 0 ? gateTolerance() : floor;
    }

    public int validationRenditions() {
        return getInt(VALIDATION_RENDITIONS);
    }

    public int gateRevertAfterRejections() {
        return getInt(GATE_REVERT_AFTER_REJECTIONS);
    }

    public double hardNegativeAnchorFraction() {
        return getDouble(HARD_NEGATIVES_ANCHOR_FRACTION);
    }

    public int hardNegativeQueueSize() {
        return getInt(HARD_NEGATIVES_QUEUE_SIZE);
    }

    public int retentionVersions() {
        return getInt(RETENTION_VERSIONS);
    }

    public int vocabularyMinCount() {
        return getInt(VOCABULARY_MIN_COUNT);
    }

    public int vocabularyMaxSize() {
        return getInt(VOCABULARY_MAX_SIZE);
    }

    /** Train items to read before fixing the vocabulary at a lineage's first start. */
    public int vocabularyMinTrainItems() {
        int n = getInt(VOCABULARY_MIN_TRAIN_ITEMS);
        return n == 0 ? batchSize() : n;
    }

    public Duration pollTimeout() {
        return Duration.ofMillis(getLong(POLL_MS));
    }

    public Duration storeTimeout() {
        return Duration.ofMillis(getLong(STORE_TIMEOUT_MS));
    }

    public String metricsHost() {
        return getString(CommonConfig.METRICS_HOST);
    }

    public int metricsPort() {
        return getInt(CommonConfig.METRICS_PORT);
    }
}
