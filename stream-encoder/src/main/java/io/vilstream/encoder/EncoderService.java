package io.vilstream.encoder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vilstream.encoder.backfill.BackfillCoordinator;
import io.vilstream.encoder.batching.TowerWorkers;
import io.vilstream.encoder.config.EncoderConfig;
import io.vilstream.encoder.metrics.EncoderMetrics;
import io.vilstream.encoder.mining.HardNegativeMiner;
import io.vilstream.encoder.models.FollowingModelSource;
import io.vilstream.encoder.models.ModelLease;
import io.vilstream.encoder.models.SwappableModel;
import io.vilstream.encoder.topology.ContentValidator;
import io.vilstream.encoder.topology.EncodeOptions;
import io.vilstream.encoder.topology.EncoderTopology;
import io.vilstream.encoder.transactions.HangingTransactions;
import io.vilstream.model.checkpoint.CheckpointException;
import io.vilstream.model.config.ModelConfig;
import io.vilstream.model.towers.DualEncoder;
import io.vilstream.modelstore.CheckpointUnavailableException;
import io.vilstream.modelstore.LoadBackoff;
import io.vilstream.modelstore.ModelFollower;
import io.vilstream.modelstore.ModelStore;
import io.vilstream.modelstore.ModelStoreTopics;
import io.vilstream.runtime.config.CommonConfig;
import io.vilstream.runtime.http.HealthCheck;
import io.vilstream.runtime.http.OpsServer;
import io.vilstream.runtime.kafka.KafkaSettings;
import io.vilstream.runtime.metrics.Metrics;
import io.vilstream.schemas.avro.ModelVersion;
import io.vilstream.schemas.topics.TopicSet;
import io.vilstream.schemas.topics.VilstreamTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream-encoder instance: the Kafka Streams app (exactly_once_v2) running
 * {@link EncoderTopology}, the served model followed on the model topics and hot-swapped,
 * backfills of new versions, and the ops endpoint ({@code /metrics}, {@code /health}).
 * Start several on the same application id to share the content partitions.
 */
public final class EncoderService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EncoderService.class);
    private static final Duration MODEL_TIMEOUT = Duration.ofSeconds(60);

    private final EncoderConfig config;
    private final PrometheusMeterRegistry registry;
    private final OpsServer ops;
    private final SwappableModel model;
    private final FollowingModelSource source;
    private final ModelFollower follower;
    private final KafkaStreams streams;
    private final BackfillCoordinator backfill;
    private final KafkaStreamsMetrics streamsMetrics;
    private final TowerWorkers towers;
    private final HangingTransactions hanging;
    private final java.util.concurrent.CompletableFuture<String> fatal = new java.util.concurrent.CompletableFuture<>();

    private EncoderService(EncoderConfig config, PrometheusMeterRegistry registry, OpsServer ops, SwappableModel model,
                           FollowingModelSource source, ModelFollower follower, KafkaStreams streams,
                           BackfillCoordinator backfill, KafkaStreamsMetrics streamsMetrics, TowerWorkers towers,
                           HangingTransactions hanging) {
        this.config = config;
        this.registry = registry;
        this.ops = ops;
        this.model = model;
        this.source = source;
        this.follower = follower;
        this.streams = streams;
        this.backfill = backfill;
        this.streamsMetrics = streamsMetrics;
        this.towers = towers;
        this.hanging = hanging;
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.PENDING_ERROR) {
                fatal.complete("Kafka Streams entered " + now + " (from " + before + ")");
            }
        });
    }

    /** Completes with a reason when the Streams app failed for good; the process should exit non-zero. */
    public java.util.concurrent.CompletableFuture<String> fatalError() {
        return fatal;
    }

    public static EncoderService start(EncoderConfig config) throws IOException, InterruptedException {
        KafkaSettings settings = CommonConfig.kafkaSettings(config);
        TopicSet topics = TopicSet.fromConfig(config.originals());
        String modelName = config.getString(CommonConfig.MODEL_NAME);
        PrometheusMeterRegistry registry = Metrics.newRegistry("encoder");
        EncoderMetrics metrics = new EncoderMetrics(registry);
        ModelStore store = new ModelStore(settings, new ModelStoreTopics(topics.name(VilstreamTopic.MODEL_VERSIONS),
                topics.name(VilstreamTopic.MODEL_CHECKPOINTS)));

        SwappableModel model = new SwappableModel(initialModel(config, store, modelName));
        metrics.modelInUse(model.version());

        ModelConfig modelConfig = config.modelConfig();
        EncoderTopology.Settings topology = new EncoderTopology.Settings(modelName, config.getInt(EncoderConfig.BATCH_SIZE),
                config.getLong(EncoderConfig.BATCH_LINGER_MS), limits(config), modelConfig.imageSize(),
                config.getInt(EncoderConfig.TAGS_TOP_K), config.getDouble(EncoderConfig.TAGS_THRESHOLD).floatValue(),
                EncodeOptions.live());
        TowerWorkers towers = TowerWorkers.start(config.getInt(EncoderConfig.TOWERS_WORKERS), config.getInt(EncoderConfig.TOWERS_THREADS));
        HardNegativeMiner miner = new HardNegativeMiner(config.getInt(EncoderConfig.HARD_NEGATIVES_INDEX_SIZE),
                config.getInt(EncoderConfig.HARD_NEGATIVES_K), config.getDouble(EncoderConfig.HARD_NEGATIVES_FLOOR).floatValue());
        Path stateDir = Path.of(config.getString(EncoderConfig.STATE_DIR));
        Files.createDirectories(stateDir);
        String appId = config.getString(EncoderConfig.APPLICATION_ID);

        BackfillCoordinator backfill = new BackfillCoordinator(new BackfillCoordinator.Context(settings, topics, appId,
                stateDir, topology, Duration.ofMillis(config.getLong(EncoderConfig.BACKFILL_GRACE_MS)),
                Duration.ofMillis(config.getLong(EncoderConfig.BACKFILL_COMMIT_INTERVAL_MS)), registry,
                version -> backfillModel(model, store, modelName, version), towers, () -> store.readState(modelName, MODEL_TIMEOUT)));
        boolean backfills = config.getBoolean(EncoderConfig.BACKFILL_ENABLED);
        // a version that fails to load is tried again (its chunks may not all be visible yet); the
        // backfill starts on the swap, whichever attempt makes it
        FollowingModelSource source = new FollowingModelSource(model, v -> store.fetchCheckpoint(v, MODEL_TIMEOUT), metrics,
                LoadBackoff.Policy.defaults(), v -> {
                    if (backfills) {
                        backfill.onServed(v.getVersion(), v.getUpdatedAt().toEpochMilli());
                    }
                });

        KafkaStreams streams = new KafkaStreams(EncoderTopology.build(topics, settings.serdeConfig(), topology, model, miner,
                metrics, towers), streamsProperties(config, settings, appId, stateDir));
        KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
        streams.setUncaughtExceptionHandler(e -> {
            log.error("stream thread failed; replacing it", e);
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });

        ModelFollower follower = new ModelFollower(store, modelName, source::load);
        OpsServer ops = OpsServer.start(config.getString(CommonConfig.METRICS_HOST), config.getInt(CommonConfig.METRICS_PORT), registry);
        ops.addHealthCheck("streams", () -> {
            KafkaStreams.State s = streams.state();
            boolean up = s == KafkaStreams.State.RUNNING || s == KafkaStreams.State.REBALANCING;
            return new HealthCheck.Status(up, s.name());
        });
        ops.addHealthCheck("model", () -> HealthCheck.Status.up("version " + model.version()));

        HangingTransactions hanging = hangingTransactions(config, settings, topics, appId, registry);
        EncoderService service = new EncoderService(config, registry, ops, model, source, follower, streams, backfill,
                streamsMetrics, towers, hanging);
        streams.start();
        follower.start();
        if (backfills && model.version() > 0) {
            // finishes a backfill this instance may have been part of before a restart
            store.readState(modelName, MODEL_TIMEOUT).served().filter(v -> v.getVersion() == model.version())
                    .ifPresent(v -> backfill.onServed(v.getVersion(), v.getUpdatedAt().toEpochMilli()));
        }
        log.info("encoder {} started: model {} version {}, batch {} / {} ms, {} tower workers x {} threads, ops on {}", appId,
                modelName, model.version(), topology.batchSize(), topology.lingerMs(), towers.workers(),
                towers.threadsEach() == 0 ? "default" : towers.threadsEach(), ops.url());
        return service;
    }

    /**
     * The model to start with: the served version if one is published, else a configured
     * checkpoint file, else the seeded version 0 — logged, so an operator knows which.
     */
    static DualEncoder initialModel(EncoderConfig config, ModelStore store, String modelName) throws IOException {
        Optional<ModelVersion> served = store.readState(modelName, MODEL_TIMEOUT).served();
        if (served.isPresent()) {
            try {
                DualEncoder m = DualEncoder.load(store.fetchCheckpoint(served.get(), MODEL_TIMEOUT));
                log.info("starting with the served model {} version {}", modelName, m.version());
                return m;
            } catch (CheckpointUnavailableException | CheckpointException e) {
                log.error("the served version {} cannot be loaded ({}); falling back", served.get().getVersion(), e.getMessage());
            }
        }
        String path = config.getString(EncoderConfig.MODEL_CHECKPOINT_PATH);
        if (path != null && !path.isBlank()) {
            try {
                DualEncoder m = DualEncoder.load(Files.readAllBytes(Path.of(path)));
                log.info("no served version of {} yet: starting with checkpoint file {} (version {})", modelName, path, m.version());
                return m;
            } catch (CheckpointException e) {
                throw new IllegalStateException(EncoderConfig.MODEL_CHECKPOINT_PATH + "=" + path + " is not a usable checkpoint: "
                        + e.getMessage(), e);
            }
        }
        long seed = config.getLong(CommonConfig.MODEL_SEED);
        log.info("no served version of {} yet: starting with the seeded version 0 ({} preset, seed {})", modelName,
                config.getString(EncoderConfig.MODEL_PRESET), seed);
        return DualEncoder.initial(config.modelConfig(), seed);
    }

    /**
     * The model a backfill of {@code version} encodes with: the live one when it serves that version
     * (the usual case: the backfill begins after the swap; no second fetch and load), else loaded.
     */
    static SwappableModel backfillModel(SwappableModel live, ModelStore store, String modelName, long version) {
        ModelLease lease = live.acquire();
        if (lease.version() == version) {
            return SwappableModel.fixedOn(lease);
        }
        lease.close();
        return new SwappableModel(loadVersion(store, modelName, version));
    }

    static DualEncoder loadVersion(ModelStore store, String modelName, long version) {
        ModelVersion v = store.readState(modelName, MODEL_TIMEOUT).get(version)
                .orElseThrow(() -> new IllegalStateException("version " + version + " of " + modelName + " is not on the model topics"));
        try {
            return DualEncoder.load(store.fetchCheckpoint(v, MODEL_TIMEOUT));
        } catch (CheckpointUnavailableException | CheckpointException e) {
            throw new IllegalStateException("cannot load version " + version + ": " + e.getMessage(), e);
        }
    }

    static ContentValidator.Limits limits(EncoderConfig c) {
        return new ContentValidator.Limits(c.getInt(EncoderConfig.MAX_IMAGES), c.getInt(EncoderConfig.MAX_IMAGE_BYTES),
                c.getLong(EncoderConfig.MAX_IMAGE_PIXELS), c.getInt(EncoderConfig.MAX_CAPTIONS),
                c.getInt(EncoderConfig.MAX_CAPTION_CHARS), c.getInt(EncoderConfig.MAX_TAGS));
    }

    static Properties streamsProperties(EncoderConfig c, KafkaSettings settings, String appId, Path stateDir) {
        Properties p = new Properties();
        p.putAll(settings.common());
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
        // every output record and the input offsets commit in one transaction: no loss, no duplicates
        EncoderTopology.exactlyOnce(p);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, c.getInt(EncoderConfig.NUM_STREAM_THREADS));
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, c.getInt(EncoderConfig.STANDBY_REPLICAS));
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        // the visibility delay of outputs to read_committed readers; longer = fewer, bigger transactions
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, c.getLong(EncoderConfig.COMMIT_INTERVAL_MS));
        // between polls a thread handles one poll's records and waits at most for its oldest batch in
        // flight: a few batches' encoding at most, so even slow CPU towers stay far inside
        // max.poll.interval.ms (5 min) and the instance is never evicted
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), c.getInt(EncoderConfig.MAX_POLL_RECORDS));
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG), 300_000);
        // a new encoder group starts from the beginning of the compacted content topic
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // embeddings are small, but batch them: one request per flush instead of one per record
        p.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5); // kafka.producer.linger.ms overrides
        return p;
    }

    public long modelVersion() {
        return model.version();
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /**
     * The hanging-transaction check on the output topics (null when switched off). The limit must
     * exceed the producers' transaction timeout: a transaction younger than that may be one its
     * coordinator is about to abort.
     */
    static HangingTransactions hangingTransactions(EncoderConfig config, KafkaSettings settings, TopicSet topics, String appId,
                                                   io.micrometer.core.instrument.MeterRegistry registry) {
        long after = config.getLong(EncoderConfig.HANGING_TRANSACTIONS_AFTER_MS);
        if (after == 0) {
            return null;
        }
        Object configured = settings.common().get(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG));
        long txnTimeout = configured == null ? 10_000L : Long.parseLong(configured.toString()); // Streams' EOS default
        if (after <= txnTimeout) {
            throw new org.apache.kafka.common.config.ConfigException(EncoderConfig.HANGING_TRANSACTIONS_AFTER_MS, after,
                    "must exceed the producers' transaction timeout (" + txnTimeout + " ms), or be 0 to switch the check off");
        }
        // the outputs, and the buffer's changelog, whose read_committed restore would otherwise stop at a
        // hanging transaction and hold its task for good
        List<String> outputs = EncoderTopology.transactionalTopics(topics, appId);
        return new HangingTransactions(settings.common(), outputs, appId + "-", Duration.ofMillis(after), registry,
                System::currentTimeMillis).start(Duration.ofMillis(Math.max(1_000, Math.min(30_000, after / 4))));
    }

    public String opsUrl() {
        return ops.url();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public long backfillVersion() {
        return backfill.runningVersion();
    }

    @Override
    public void close() {
        if (hanging != null) {
            hanging.close();
        }
        follower.close();
        backfill.close();
        streams.close(Duration.ofSeconds(60));
        towers.close();
        streamsMetrics.close();
        source.close();
        model.close();
        ops.close();
        log.info("encoder {} stopped", config.getString(EncoderConfig.APPLICATION_ID));
    }
}
