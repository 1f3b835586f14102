package io.vilstream.trainer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import io.vilstream.datasets.split.Split;
import io.vilstream.model.checkpoint.CheckpointException;
import io.vilstream.model.image.ImageDecoder;
import io.vilstream.model.tagger.TagVocabulary;
import io.vilstream.model.towers.DualEncoder;
import io.vilstream.model.training.ModelDivergedException;
import io.vilstream.model.training.StepResult;
import io.vilstream.model.training.TrainingConfig;
import io.vilstream.modelstore.CheckpointUnavailableException;
import io.vilstream.modelstore.ModelFollower;
import io.vilstream.modelstore.ModelRegistryState;
import io.vilstream.modelstore.ModelStore;
import io.vilstream.schemas.avro.ContentEvent;
import io.vilstream.schemas.avro.HardNegatives;
import io.vilstream.schemas.avro.ModelVersion;
import io.vilstream.schemas.serde.AvroSerde;
import io.vilstream.trainer.TrainerStatus.Phase;
import io.vilstream.trainer.batch.BatchPlanner;
import io.vilstream.trainer.batch.PlannedBatch;
import io.vilstream.trainer.batch.TrainedBatch;
import io.vilstream.trainer.config.TrainerConfig;
import io.vilstream.trainer.gate.Evaluation;
import io.vilstream.trainer.gate.Gate;
import io.vilstream.trainer.gate.GateDecision;
import io.vilstream.trainer.gate.ServedBaseline;
import io.vilstream.trainer.ingest.ContentRouter;
import io.vilstream.trainer.ingest.FreshItem;
import io.vilstream.trainer.ingest.FreshQueue;
import io.vilstream.trainer.ingest.OffsetTracker;
import io.vilstream.trainer.lineage.ModelLineage;
import io.vilstream.trainer.metrics.TrainerMetrics;
import io.vilstream.trainer.negatives.ContentCache;
import io.vilstream.trainer.negatives.HardNegativeQueue;
import io.vilstream.trainer.publish.Publication;
import io.vilstream.trainer.publish.RetentionPolicy;
import io.vilstream.trainer.publish.VersionPublisher;
import io.vilstream.trainer.replay.ReplayBuffer;
import io.vilstream.trainer.validation.ValidationSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consume–train–publish loop, on one thread (libtorch allows one gradient collector per
 * JVM, and a KafkaConsumer one thread):
 * <ol>
 *   <li>start: open the publisher (fencing an older instance and aborting its open
 *       transaction), read the committed input offsets, resume the served version's weights,
 *       and re-read the content topic from its beginning: records below the committed offsets
 *       rebuild the replay buffer, content cache and validation set; records from there on are
 *       new;</li>
 *   <li>each iteration: notice a rollback, poll (without waiting while there is work, blocking
 *       while there is none), route records, train one step on a planned batch;</li>
 *   <li>every N steps or T seconds: evaluate candidate and served version on the validation set,
 *       and publish the verdict — weights and PROMOTED, or a REJECTED record — with the input
 *       offsets and retention tombstones in one transaction.</li>
 * </ol>
 */
final class TrainingLoop implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(TrainingLoop.class);
    /** How often the served version is compared with the one training descends from. */
    private static final Duration SERVED_CHECK = Duration.ofMillis(500);

    private final TrainerConfig config;
    private final TrainingConfig training;
    private final TrainerMetrics metrics;
    private final Consumer<TrainedBatch> observer;
    private final ModelStore store;
    private final Gate gate;
    private final Deserializer<HardNegatives> hardNegativeDeserializer;

    private final ReplayBuffer replay;
    private final FreshQueue fresh = new FreshQueue();
    private final HardNegativeQueue hardNegatives;
    private final ContentCache cache;
    private final ValidationSet validation;
    private final OffsetTracker offsets = new OffsetTracker();
    private final ContentRouter router;
    private final BatchPlanner planner;

    private final AtomicBoolean running = new AtomicBoolean(true);
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile TrainerStatus status = TrainerStatus.starting();
    private VersionPublisher publisher;
    private ModelFollower follower;
    private ModelLineage lineage;
    private ServedBaseline baseline;

    private List<TopicPartition> contentPartitions = List.of();
    private final Map<TopicPartition, Long> startOffsets = new HashMap<>();
    private Map<TopicPartition, Long> catchUpEnd = Map.of();
    private boolean caughtUp;
    private boolean paused;
    private Phase phase = Phase.STARTING;
    private long stepsSinceGate;
    private long stepsSinceNew;
    private long lastGateNanos = System.nanoTime();
    private long lastServedCheckNanos;
    private long unloadableServed = -1;
    private boolean diverged;
    private int rejectionsInRow;
    private long stepsThisRun;
    private long itemsTrained;
    private long promotions;
    private long rejections;
    private long lastPublished;
    private long lastValidationWarning;
    private final Map<String, double[]> lossSums = new LinkedHashMap<>();
    private String failure;

    TrainingLoop(TrainerConfig config, TrainerMetrics metrics, Consumer<TrainedBatch> observer) {
        this.config = config;
        this.training = config.trainingConfig();
        this.metrics = metrics;
        this.observer = observer;
        this.store = new ModelStore(config.kafkaSettings(), config.modelStoreTopics());
        this.gate = new Gate(config.gateMetric(), config.gateTolerance());
        Map<String, Object> serde = config.kafkaSettings().serdeConfig();
        this.hardNegativeDeserializer = AvroSerde.forValues(HardNegatives.class, serde).deserializer();
        Deserializer<ContentEvent> contentDeserializer = AvroSerde.forValues(ContentEvent.class, serde).deserializer();
        ImageDecoder decoder = new ImageDecoder(config.modelConfig().imageSize());
        this.replay = new ReplayBuffer(config.replaySize(), config.replayPolicy(), config.getLong(TrainerConfig.SEED));
        this.hardNegatives = new HardNegativeQueue(config.hardNegativeQueueSize());
        this.cache = new ContentCache(config.contentCacheSize(), decoder);
        this.validation = new ValidationSet(config.validationSize());
        this.router = new ContentRouter(contentDeserializer, decoder, validation, cache, replay, fresh, offsets);
        this.planner = new BatchPlanner(config.batchSize(), config.batchNewFraction(), config.hardNegativeAnchorFraction(),
                training.maxHardNegatives(), fresh, replay, hardNegatives, cache);
        metrics.sizes(replay::size, fresh::size, hardNegatives::size, cache::size, validation::size);
    }

    TrainerStatus status() {
        return status;
    }

    /** Asks the loop to stop; it closes its clients on its own thread. */
    void stop() {
        running.set(false);
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
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
        consumer = newConsumer();
        contentPartitions = partitions(config.contentTopic());
        List<TopicPartition> negativePartitions = partitions(config.hardNegativesTopic());
        List<TopicPartition> all = new ArrayList<>(contentPartitions);
        all.addAll(negativePartitions);
        consumer.assign(all);
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(all), config.storeTimeout());
        for (TopicPartition tp : all) {
            OffsetAndMetadata c = committed.get(tp);
            long start = c == null ? 0 : c.offset();
            startOffsets.put(tp, start);
            offsets.startedAt(tp, start);
            if (negativePartitions.contains(tp) && c != null) {
                consumer.seek(tp, start);
            }
        }
        // the whole compacted content topic is re-read: what lies below the committed offsets
        // rebuilds replay, cache and validation set without counting as new
        consumer.seekToBeginning(contentPartitions);
        consumer.seekToBeginning(negativePartitions.stream().filter(tp -> committed.get(tp) == null).toList());
        catchUpEnd = consumer.endOffsets(contentPartitions, config.storeTimeout());
        resume(store.readState(config.modelName(), config.storeTimeout()));
        follower = new ModelFollower(store, config.modelName(), v -> { }).start();
        phase = Phase.CATCHING_UP;
        log.info("trainer {} resumes at content offsets {} (re-reading up to {})", config.instanceId(),
                startOffsets, catchUpEnd);
    }

    private void iterate() {
        checkServedVersion();
        boolean work = diverged || (lineage != null && caughtUp && planner.canFillBatch()
                && (!fresh.isEmpty() || replayAllowed()));
        for (ConsumerRecord<String, byte[]> r : consumer.poll(work ? Duration.ZERO : config.pollTimeout())) {
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            if (r.topic().equals(config.contentTopic())) {
                ContentRouter.Outcome o = router.route(r, r.offset() >= startOffsets.getOrDefault(tp, 0L));
                metrics.content(o.name().toLowerCase(Locale.ROOT));
            } else {
                queueHardNegatives(tp, r);
            }
        }
        applyBackpressure();
        if (!caughtUp) {
            caughtUp = paused || contentPartitions.stream().allMatch(tp -> consumer.position(tp) >= catchUpEnd.getOrDefault(tp, 0L));
        }
        if (lineage == null) {
            if (caughtUp && router.trainItemsSeen() >= config.vocabularyMinTrainItems()) {
                buildInitialLineage();
            } else {
                phase = caughtUp ? Phase.WAITING_FOR_ITEMS : Phase.CATCHING_UP;
                publishStatus();
                return;
            }
        }
        if (!caughtUp) {
            phase = Phase.CATCHING_UP;
        } else if (!diverged) {
            trainOneStep();
        }
        if (gateDue()) {
            gateAndPublish();
        }
        publishStatus();
    }

    private boolean replayAllowed() {
        return config.idleSteps() < 0 || stepsSinceNew < config.idleSteps();
    }

    private void trainOneStep() {
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
                diverged = true;
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
        stepsSinceGate++;
        stepsThisRun++;
        itemsTrained += batch.anchors().size();
        metrics.step(result, batch.anchors().size(), batch.fresh().size());
        addLoss("total", result.loss());
        result.terms().forEach(this::addLoss);
        observer.accept(new TrainedBatch(lineage.head(), batch.anchorIds(),
                batch.fresh().stream().map(f -> f.item().id()).toList(), batch.negativeIds(), result));
    }

    private void addLoss(String term, float value) {
        if (Float.isFinite(value)) {
            double[] s = lossSums.computeIfAbsent(term, t -> new double[2]);
            s[0] += value;
            s[1]++;
        }
    }

    private boolean gateDue() {
        if (lineage == null) {
            return false;
        }
        if (diverged) {
            return true;
        }
        return stepsSinceGate > 0 && (stepsSinceGate >= config.gateIntervalSteps()
                || System.nanoTime() - lastGateNanos >= config.gateInterval().toNanos());
    }

    private void gateAndPublish() {
        long t0 = System.nanoTime();
        if (validation.size() < config.validationMinItems()) {
            if (t0 - lastValidationWarning > Duration.ofMinutes(1).toNanos() || lastValidationWarning == 0) {
                log.warn("gate skipped: {} validation items, {} needed ({}); nothing is published until then",
                        validation.size(), config.validationMinItems(), TrainerConfig.VALIDATION_MIN_ITEMS);
                lastValidationWarning = t0;
            }
            if (diverged) {
                revertToServed("diverged");
            }
            resetGateClock();
            return;
        }
        Evaluation candidate = gate.evaluate(lineage.model(), validation.items(), validation.revision());
        Evaluation served = baseline.evaluate(gate, validation);
        GateDecision decision = gate.decide(candidate, served, baseline.version(), diverged);
        Publication p;
        try {
            p = publisher.publish(lineage.model(), lineage.head(), lineage.step(), decision, lossMetrics(),
                    lineage.newestEventTime(), offsets.committable(), consumer.groupMetadata());
        } catch (KafkaException | IllegalStateException e) {
            if (fenced(e)) {
                throw e;
            }
            metrics.publicationFailed();
            log.warn("publication failed, retried at the next gate: {}", e.toString());
            publisher.reopen();
            if (diverged) {
                revertToServed("diverged");
            }
            resetGateClock();
            return;
        }
        ModelVersion v = p.version();
        lastPublished = v.getVersion();
        metrics.published(v, decision, Duration.ofNanos(System.nanoTime() - t0));
        log.info("version {} (parent {}, step {}) {}", v.getVersion(), v.getParent(), v.getTrainingStep(), decision.reason());
        if (decision.promote()) {
            promotions++;
            rejectionsInRow = 0;
            lineage.promoted(v.getVersion());
            replaceBaseline(new ServedBaseline(v.getVersion(), load(p.checkpoint()), p.checkpoint(),
                    v.getNewestEventTime(), candidate));
        } else {
            rejections++;
            rejectionsInRow++;
            if (diverged) {
                revertToServed("diverged");
            } else if (config.gateRevertAfterRejections() > 0 && rejectionsInRow >= config.gateRevertAfterRejections()) {
                revertToServed(rejectionsInRow + " rejections in a row");
            }
        }
        resetGateClock();
    }

    private void resetGateClock() {
        stepsSinceGate = 0;
        lastGateNanos = System.nanoTime();
        diverged = false;
        lossSums.clear();
    }

    private Map<String, Double> lossMetrics() {
        Map<String, Double> m = new LinkedHashMap<>();
        lossSums.forEach((term, s) -> m.put("loss." + term, s[0] / Math.max(1, s[1])));
        m.put("train.steps.since.gate", (double) stepsSinceGate);
        return m;
    }

    /** Training goes on from the served weights: after a divergence or repeated rejections. */
    private void revertToServed(String why) {
        log.info("training restarts from served version {} ({})", baseline.version(), why);
        ModelLineage next;
        if (baseline.checkpoint() == null) {
            next = ModelLineage.initial(config.modelConfig(), lineage.model().vocabulary(), config.modelSeed(), training);
        } else {
            try {
                next = ModelLineage.resume(baseline.checkpoint(), baseline.version(), baseline.newestEventTime(), training);
            } catch (CheckpointException e) {
                throw new IllegalStateException("the served checkpoint no longer loads", e);
            }
        }
        replaceLineage(next);
        rejectionsInRow = 0;
    }

    /**
     * An operator rollback (or any promotion this instance did not make) changes the served
     * version: training continues from it. A served version older than the last one promoted here
     * is a rollback only once the follower has seen that promotion (else it is just behind).
     */
    private void checkServedVersion() {
        long now = System.nanoTime();
        if (follower == null || now - lastServedCheckNanos < SERVED_CHECK.toNanos()) {
            return;
        }
        lastServedCheckNanos = now;
        ModelRegistryState s = follower.state();
        Optional<ModelVersion> served = s.served();
        if (served.isEmpty()) {
            return;
        }
        long sv = served.get().getVersion();
        long ours = baseline == null ? 0 : baseline.version();
        if (sv == ours || sv == unloadableServed || (ours > 0 && sv < ours && s.get(ours).isEmpty())) {
            return;
        }
        log.warn("served version is now {} (training descended from {}): {}; training continues from {}", sv, ours,
                served.get().getReason(), sv);
        try {
            adopt(served.get(), store.fetchCheckpoint(served.get(), config.storeTimeout()));
        } catch (CheckpointUnavailableException | CheckpointException e) {
            unloadableServed = sv;
            log.error("served version {} cannot be loaded, training continues from {}: {}", sv, ours, e.getMessage());
        }
    }

    /** At start: continue from the served version (the newest one with weights not rolled back). */
    private void resume(ModelRegistryState state) {
        Optional<ModelVersion> served = state.served();
        if (served.isEmpty()) {
            log.info("no version of {} is promoted yet: version 0 is built once the content topic has been read",
                    config.modelName());
            return;
        }
        List<ModelVersion> candidates = new ArrayList<>();
        candidates.add(served.get());
        state.all().stream().filter(v -> v.getChunkCount() > 0 && v.getVersion() < served.get().getVersion())
                .sorted(Comparator.comparingLong(ModelVersion::getVersion).reversed()).forEach(candidates::add);
        for (ModelVersion v : candidates) {
            try {
                adopt(v, store.fetchCheckpoint(v, config.storeTimeout()));
                return;
            } catch (CheckpointUnavailableException | CheckpointException e) {
                log.error("version {} cannot be resumed from: {}", v.getVersion(), e.getMessage());
            }
        }
        log.error("no published version of {} loads: starting again from version 0", config.modelName());
    }

    private void adopt(ModelVersion v, byte[] checkpoint) throws CheckpointException {
        ModelLineage next = ModelLineage.resume(checkpoint, v.getVersion(), v.getNewestEventTime(), training);
        DualEncoder frozen;
        try {
            frozen = DualEncoder.load(checkpoint);
        } catch (CheckpointException e) {
            next.close();
            throw e;
        }
        replaceLineage(next);
        replaceBaseline(new ServedBaseline(v.getVersion(), frozen, checkpoint, v.getNewestEventTime(), null));
        router.takeTrainTags(); // the vocabulary came with the checkpoint
        rejectionsInRow = 0;
        stepsSinceNew = 0; // adopted weights get a fresh idle budget: training goes on from them
        resetGateClock();
        log.info("training continues from version {} (step {}, {} tags)", v.getVersion(), next.step(),
                next.model().vocabulary().size());
    }

    private void buildInitialLineage() {
        List<List<String>> tags = router.takeTrainTags();
        TagVocabulary vocabulary = TagVocabulary.build(tags, config.vocabularyMinCount(), config.vocabularyMaxSize());
        replaceLineage(ModelLineage.initial(config.modelConfig(), vocabulary, config.modelSeed(), training));
        replaceBaseline(new ServedBaseline(0, DualEncoder.create(config.modelConfig(), vocabulary, config.modelSeed()),
                null, null, null));
        resetGateClock();
        log.info("version 0 of {} built from seed {}: tag vocabulary of {} tags from {} train items", config.modelName(),
                config.modelSeed(), vocabulary.size(), tags.size());
    }

    private void replaceLineage(ModelLineage next) {
        if (lineage != null) {
            lineage.close();
        }
        lineage = next;
        metrics.lineage(next.head(), next.step());
    }

    private void replaceBaseline(ServedBaseline next) {
        if (baseline != null) {
            baseline.close();
        }
        baseline = next;
    }

    private void queueHardNegatives(TopicPartition tp, ConsumerRecord<String, byte[]> r) {
        offsets.consumed(tp, r.offset());
        if (r.value() == null) {
            return;
        }
        try {
            HardNegatives h = hardNegativeDeserializer.deserialize(r.topic(), r.value());
            // negatives of a held-out anchor would train on held-out data
            if (Split.of(h.getAnchorId()) == Split.TRAIN) {
                hardNegatives.add(h);
            }
        } catch (RuntimeException e) {
            log.debug("skipping hard-negative record {}@{}: {}", tp, r.offset(), e.toString());
        }
    }

    /** A full fresh queue pauses the content partitions: the topic, not the heap, buffers a backlog. */
    private void applyBackpressure() {
        boolean full = fresh.size() >= config.freshQueueSize();
        if (full && !paused) {
            consumer.pause(contentPartitions);
            paused = true;
        } else if (!full && paused) {
            consumer.resume(contentPartitions);
            paused = false;
        }
    }

    private KafkaConsumer<String, byte[]> newConsumer() {
        Map<String, Object> p = config.kafkaSettings().common();
        // offsets live under the trainer's group but are committed only inside publication transactions
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.instanceId());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // never learn from records of aborted producer transactions
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // each content record is decoded on the loop thread: keep the work between steps small
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 128);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, config.instanceId() + "-input");
        return new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private List<TopicPartition> partitions(String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, config.storeTimeout());
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " does not exist (create the topics first: vilstream topics create)");
        }
        return infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
    }

    private static DualEncoder load(byte[] checkpoint) {
        try {
            return DualEncoder.load(checkpoint);
        } catch (CheckpointException e) {
            throw new IllegalStateException("a checkpoint just written does not load", e);
        }
    }

    private static boolean fenced(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof ProducerFencedException || c instanceof InvalidProducerEpochException) {
                return true;
            }
        }
        return false;
    }

    private void publishStatus() {
        status = new TrainerStatus(phase, baseline == null ? 0 : baseline.version(), lastPublished,
                lineage == null ? 0 : lineage.step(), stepsThisRun, itemsTrained, promotions, rejections,
                replay.size(), fresh.size(), validation.size(), failure);
    }

    private void closeQuietly() {
        AutoCloseable input = consumer;
        consumer = null; // stop() must not wake a closed consumer
        for (AutoCloseable c : new AutoCloseable[] {follower, input, publisher, lineage, baseline}) {
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
