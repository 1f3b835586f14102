package io.vilstream.trainer;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import io.vilstream.model.image.ImageDecoder;
import io.vilstream.model.training.ModelDivergedException;
import io.vilstream.model.training.StepResult;
import io.vilstream.model.training.TrainingConfig;
import io.vilstream.modelstore.ModelStore;
import io.vilstream.schemas.avro.ContentEvent;
import io.vilstream.schemas.avro.HardNegatives;
import io.vilstream.schemas.serde.AvroSerde;
import io.vilstream.trainer.TrainerStatus.Phase;
import io.vilstream.trainer.batch.BatchPlanner;
import io.vilstream.trainer.batch.PlannedBatch;
import io.vilstream.trainer.batch.TrainedBatch;
import io.vilstream.trainer.config.TrainerConfig;
import io.vilstream.trainer.gate.Gate;
import io.vilstream.trainer.gate.RecallInterval;
import io.vilstream.trainer.ingest.ContentRouter;
import io.vilstream.trainer.ingest.FreshItem;
import io.vilstream.trainer.ingest.FreshQueue;
import io.vilstream.trainer.ingest.OffsetTracker;
import io.vilstream.trainer.ingest.TrainerInput;
import io.vilstream.trainer.lineage.LineageKeeper;
import io.vilstream.trainer.lineage.ModelLineage;
import io.vilstream.trainer.metrics.TrainerMetrics;
import io.vilstream.trainer.negatives.ContentCache;
import io.vilstream.trainer.negatives.HardNegativeQueue;
import io.vilstream.trainer.publish.RetentionPolicy;
import io.vilstream.trainer.publish.VersionPublisher;
import io.vilstream.trainer.replay.ReplayBuffer;
import io.vilstream.trainer.validation.ValidationSet;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consume–train–publish loop, on one thread (libtorch allows one gradient collector per
 * JVM, and a KafkaConsumer one thread):
 * <ol>
 *   <li>start: open the publisher (fencing an older instance and aborting its open
 *       transaction), open the input ({@link TrainerInput}: committed offsets, content topic
 *       re-read from its beginning), resume the served version's weights ({@link LineageKeeper});</li>
 *   <li>each iteration: notice a rollback, poll (without waiting while there is work, blocking
 *       while there is none), train one step on a planned batch;</li>
 *   <li>every N steps or T seconds: the gate and the publication of its verdict ({@link GateCycle}).</li>
 * </ol>
 * The parts share the buffers built here: replay, fresh queue, hard-negative queue, content
 * cache, validation set and input offsets.
 */
final class TrainingLoop implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(TrainingLoop.class);

    private final TrainerConfig config;
    private final TrainerMetrics metrics;
    private final Consumer<TrainedBatch> observer;
    private final ModelStore store;
    private final Gate gate;

    private final ReplayBuffer replay;
    private final FreshQueue fresh = new FreshQueue();
    private final ValidationSet validation;
    private final OffsetTracker offsets = new OffsetTracker();
    private final ContentRouter router;
    private final BatchPlanner planner;
    private final TrainerInput input;
    private final LineageKeeper keeper;

    private final AtomicBoolean running = new AtomicBoolean(true);
    private volatile TrainerStatus status = TrainerStatus.starting();
    private VersionPublisher publisher;
    private GateCycle gateCycle;

    private Phase phase = Phase.STARTING;
    private long stepsSinceNew;
    private long stepsThisRun;
    private long itemsTrained;
    private String failure;

    TrainingLoop(TrainerConfig config, TrainerMetrics metrics, Consumer<TrainedBatch> observer) {
        this.config = config;
        TrainingConfig training = config.trainingConfig();
        this.metrics = metrics;
        this.observer = observer;
        this.store = new ModelStore(config.kafkaSettings(), config.modelStoreTopics());
        this.gate = new Gate(config.gateMetric(), config.gateTolerance(), config.gateFloor(), config.validationRenditions());
        Map<String, Object> serde = config.kafkaSettings().serdeConfig();
        Deserializer<HardNegatives> hardNegativeDeserializer = AvroSerde.forValues(HardNegatives.class, serde).deserializer();
        Deserializer<ContentEvent> contentDeserializer = AvroSerde.forValues(ContentEvent.class, serde).deserializer();
        ImageDecoder decoder = new ImageDecoder(config.modelConfig().imageSize());
        this.replay = new ReplayBuffer(config.replaySize(), config.replayPolicy(), config.getLong(TrainerConfig.SEED));
        HardNegativeQueue hardNegatives = new HardNegativeQueue(config.hardNegativeQueueSize());
        ContentCache cache = new ContentCache(config.contentCacheSize(), decoder);
        this.validation = new ValidationSet(config.validationSize());
        this.router = new ContentRouter(contentDeserializer, decoder, validation, cache, replay, fresh, offsets);
        this.planner = new BatchPlanner(config.batchSize(), config.batchNewFraction(), config.hardNegativeAnchorFraction(),
                training.maxHardNegatives(), fresh, replay, hardNegatives, cache);
        this.input = new TrainerInput(config, metrics, router, offsets, fresh, hardNegatives, hardNegativeDeserializer);
        this.keeper = new LineageKeeper(config, metrics, store, router::takeTrainTags);
        metrics.sizes(replay::size, fresh::size, hardNegatives::size, cache::size, validation::size);
    }

    TrainerStatus status() {
        return status;
    }

    /** Asks the loop to stop; it closes its clients on its own thread. */
    void stop() {
        running.set(false);
        input.wakeup();
    }

    @Override
    public void run() {
        try {
            start();
            while (running.get()) {
                iterate();
            }
            phase = Phase.STOPPED;
        } catch (WakeupException e) {
            phase = running.get() ? Phase.FAILED : Phase.STOPPED;
        } catch (RuntimeException | Error e) {
            phase = Phase.FAILED;
            failure = fenced(e)
                    ? "fenced: another trainer with transactional id " + config.instanceId() + " took over"
                    : e.toString();
            log.error("online trainer stopped: {}", failure, e);
        } finally {
            publishStatus();
            closeQuietly();
        }
    }

    private void start() {
        log.info("trainer {} starting: fencing older instances, reading {}", config.instanceId(), config.modelStoreTopics());
        publisher = new VersionPublisher(config.kafkaSettings(), store, config.modelName(), config.instanceId(),
                new RetentionPolicy(config.retentionVersions()), config.storeTimeout());
        gateCycle = new GateCycle(config, metrics, gate, validation, keeper, input, publisher);
        input.open();
        keeper.resume();
        gateCycle.restart();
        keeper.startFollowing();
        phase = Phase.CATCHING_UP;
        log.info("trainer {} resumes at content offsets {}", config.instanceId(), input.describePositions());
        warnIfValidationTooSmall();
    }

    /**
     * Even a full validation set may not measure a score to within the tolerance: the 95% interval
     * of a recall near one half on {@code trainer.validation.size} items is the widest it gets.
     */
    private void warnIfValidationTooSmall() {
        RecallInterval widest = RecallInterval.widest(config.validationSize());
        if (widest.width() > config.gateTolerance()) {
            log.warn("gate: a recall measured on the {} validation items at most ({}) has a 95% interval up to {} wide, "
                            + "wider than {} = {}: one version's score is not known to within the tolerance. All versions are "
                            + "scored on the same items, so their comparison is steadier than that, and the floor ({} = {} below "
                            + "the best promoted version) bounds any drift; a larger validation set narrows the interval",
                    config.validationSize(), TrainerConfig.VALIDATION_SIZE, String.format(java.util.Locale.ROOT, "%.3f",
                            widest.width()), TrainerConfig.GATE_TOLERANCE, config.gateTolerance(),
                    TrainerConfig.GATE_FLOOR, config.gateFloor());
        }
    }

    private void iterate() {
        if (keeper.followServedVersion()) {
            gateCycle.restart();
            stepsSinceNew = 0; // adopted weights get a fresh idle budget: training goes on from them
        }
        boolean diverged = gateCycle.divergedSinceGate();
        boolean work = diverged || (keeper.lineage() != null && input.caughtUp() && planner.canFillBatch()
                && (!fresh.isEmpty() || replayAllowed()));
        input.poll(work ? Duration.ZERO : config.pollTimeout());
        if (keeper.lineage() == null) {
            if (input.caughtUp() && router.trainItemsSeen() >= config.vocabularyMinTrainItems()) {
                keeper.buildInitial();
                gateCycle.restart();
            } else {
                phase = input.caughtUp() ? Phase.WAITING_FOR_ITEMS : Phase.CATCHING_UP;
                publishStatus();
                return;
            }
        }
        if (!input.caughtUp()) {
            phase = Phase.CATCHING_UP;
        } else if (!gateCycle.divergedSinceGate()) {
            trainOneStep();
        }
        // a stop request ends the loop at the step boundary: no gate evaluation and no new version is
        // begun on the way out (the weights since the last version are what a crash would lose too;
        // a shutdown that published would add one more version for every encoder to backfill)
        if (gateCycle.due() && running.get()) {
            gateCycle.run();
        }
        publishStatus();
    }

    private boolean replayAllowed() {
        return config.idleSteps() < 0 || stepsSinceNew < config.idleSteps();
    }

    private void trainOneStep() {
        ModelLineage lineage = keeper.lineage();
        Optional<PlannedBatch> plan = planner.plan(lineage.hardNegativesActive(), replayAllowed());
        if (plan.isEmpty()) {
            phase = planner.canFillBatch() ? Phase.IDLE : Phase.WAITING_FOR_ITEMS;
            return;
        }
        phase = Phase.TRAINING;
        PlannedBatch batch = plan.get();
        StepResult result = null;
        if (batch.anchors().size() >= 2) {
            try {
                result = lineage.step(batch);
            } catch (ModelDivergedException e) {
                log.warn("training diverged at step {}: {}; the candidate goes to the gate and training restarts "
                        + "from the promoted weights", lineage.step(), e.getMessage());
                gateCycle.diverged();
            }
        }
        for (FreshItem f : batch.fresh()) {
            replay.add(f.item());
            offsets.release(f.partition(), f.offset());
        }
        stepsSinceNew = batch.fresh().isEmpty() ? stepsSinceNew + 1 : 0;
        if (result == null) {
            return;
        }
        stepsThisRun++;
        itemsTrained += batch.anchors().size();
        metrics.step(result, batch.anchors().size(), batch.fresh().size());
        gateCycle.stepped(result);
        observer.accept(new TrainedBatch(lineage.head(), batch.anchorIds(),
                batch.fresh().stream().map(f -> f.item().id()).toList(), batch.negativeIds(), result));
    }

    /** Whether a failure is this instance being fenced by a newer one (the loop must stop, not retry). */
    static boolean fenced(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof ProducerFencedException || c instanceof InvalidProducerEpochException) {
                return true;
            }
        }
        return false;
    }

    private void publishStatus() {
        ModelLineage lineage = keeper.lineage();
        GateCycle g = gateCycle;
        status = new TrainerStatus(phase, keeper.servedVersion(), g == null ? 0 : g.lastPublished(),
                lineage == null ? 0 : lineage.step(), stepsThisRun, itemsTrained, g == null ? 0 : g.promotions(),
                g == null ? 0 : g.rejections(), replay.size(), fresh.size(), validation.size(), failure);
    }

    private void closeQuietly() {
        for (AutoCloseable c : new AutoCloseable[] {input, publisher, keeper}) {
            if (c == null) {
                continue;
            }
            try {
                c.close();
            } catch (Exception e) {
                log.debug("closing {}: {}", c.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
