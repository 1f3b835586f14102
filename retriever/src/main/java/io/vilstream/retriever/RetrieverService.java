package io.vilstream.retriever;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vilstream.model.image.ImageDecoder;
import io.vilstream.modelstore.ModelFollower;
import io.vilstream.modelstore.ModelStore;
import io.vilstream.modelstore.ModelStoreTopics;
import io.vilstream.retriever.catalog.ContentCatalog;
import io.vilstream.retriever.http.RetrieverApi;
import io.vilstream.retriever.index.HnswIndex;
import io.vilstream.retriever.index.IndexType;
import io.vilstream.model.vectors.SimilarityKernel;
import io.vilstream.retriever.index.VectorIndex;
import io.vilstream.retriever.ingest.CatalogIngestor;
import io.vilstream.retriever.ingest.EmbeddingIngestor;
import io.vilstream.retriever.ingest.TopicReplayer;
import io.vilstream.retriever.metrics.RetrieverMetrics;
import io.vilstream.retriever.search.Searcher;
import io.vilstream.retriever.versions.EncoderSource;
import io.vilstream.retriever.versions.ModelStoreEncoderSource;
import io.vilstream.retriever.versions.ServingPolicy;
import io.vilstream.retriever.versions.VersionSwitcher;
import io.vilstream.retriever.versions.VersionedIndexes;
import io.vilstream.runtime.http.HealthCheck;
import io.vilstream.runtime.http.OpsServer;
import io.vilstream.runtime.kafka.KafkaSettings;
import io.vilstream.runtime.metrics.Metrics;
import io.vilstream.schemas.avro.ContentEvent;
import io.vilstream.schemas.avro.Embedding;
import io.vilstream.schemas.avro.ObjectTags;
import io.vilstream.schemas.serde.AvroSerde;
import io.vilstream.schemas.topics.TopicSet;
import io.vilstream.schemas.topics.VilstreamTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retriever, wired: it replays the embedding topics into one index per model version,
 * follows the promoted version on the model topics and switches when the policy allows,
 * replays the content and tags topics into the content cache, and serves the HTTP API, the
 * page, {@code /metrics} and {@code /health} on one port. {@code /health} is up once an index
 * is served. Everything is rebuilt from the topics on each start.
 */
public final class RetrieverService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RetrieverService.class);

    private final RetrieverConfig config;
    private final PrometheusMeterRegistry registry;
    private final VersionedIndexes versions;
    private final ContentCatalog catalog;
    private final OpsServer server;
    private final ModelFollower follower;
    private final TopicReplayer embeddings;
    private final TopicReplayer content;
    private final VersionSwitcher switcher;

    private RetrieverService(RetrieverConfig config, EncoderSource encoderOverride) throws IOException, InterruptedException {
        this.config = config;
        KafkaSettings settings = config.kafkaSettings();
        TopicSet topics = config.topics();
        ModelStore store = new ModelStore(settings, new ModelStoreTopics(topics.name(VilstreamTopic.MODEL_VERSIONS),
                topics.name(VilstreamTopic.MODEL_CHECKPOINTS)));
        EncoderSource encoders = encoderOverride != null ? encoderOverride : new ModelStoreEncoderSource(store,
                config.modelName(), config.initialModelConfig(), config.modelSeed(),
                Duration.ofMillis(config.getLong(RetrieverConfig.CHECKPOINT_TIMEOUT_MS)));
        RetrieverConfig.ApiLimits limits = config.apiLimits();

        this.registry = Metrics.newRegistry("retriever");
        this.versions = new VersionedIndexes(config.modelName(), galleries(config), config.getInt(RetrieverConfig.VERSIONS_MAX),
                new ServingPolicy(config.getBoolean(RetrieverConfig.ROLLBACK_IMMEDIATE)), encoders,
                new ImageDecoder.Limits(limits.maxUploadBytes(), limits.maxPixels()), Clock.systemUTC(), config.ranking());
        this.catalog = new ContentCatalog(config.getInt(RetrieverConfig.CATALOG_MAX_ITEMS),
                config.getLong(RetrieverConfig.CATALOG_MAX_BYTES), config.getInt(RetrieverConfig.CATALOG_MAX_IMAGE_BYTES));
        RetrieverMetrics metrics = new RetrieverMetrics(registry, versions, catalog);
        versions.listener(metrics);

        this.server = OpsServer.start(config.host(), config.port(), registry, config.serverLimits());
        server.addHealthCheck("index", () -> versions.served()
                .map(s -> HealthCheck.Status.up("serving version " + s.version() + " (" + s.index().items() + " items)"))
                .orElseGet(() -> HealthCheck.Status.down(versions.lastDecision())));
        List<String> embeddingTopics = List.of(topics.name(VilstreamTopic.EMBEDDINGS_IMAGE), topics.name(VilstreamTopic.EMBEDDINGS_TEXT));
        new RetrieverApi(new Searcher(() -> versions.served().orElse(null), versions::lastDecision), versions, catalog, limits, metrics,
                () -> serviceStatus(embeddingTopics)).install(server);

        // the promoted version must be known before anything is served, or a restart could
        // briefly serve an older version and then switch
        this.follower = new ModelFollower(store, config.modelName(), v -> nudge()).start();
        if (!follower.awaitCaughtUp(Duration.ofSeconds(60))) {
            log.warn("the model versions topic was not read within 60 s; continuing");
        }
        // known before the first record is filed: which versions get a place depends on it
        versions.target(follower.served().map(v -> v.getVersion()).orElse(0L));
        this.switcher = new VersionSwitcher(versions,
                () -> follower.served().map(v -> v.getVersion()).orElse(0L), Duration.ofSeconds(1));

        AvroSerde<Embedding> embeddingSerde = AvroSerde.forValues(Embedding.class, settings.serdeConfig());
        this.embeddings = new TopicReplayer("embeddings", settings, embeddingTopics,
                new EmbeddingIngestor(versions, embeddingSerde.deserializer(), metrics, this::nudge),
                () -> {
                    versions.markCaughtUp();
                    nudge();
                });
        metrics.ingestLag(embeddings::lag);
        versions.onRewindNeeded(v -> embeddings.rewind());
        this.content = new TopicReplayer("content", settings,
                List.of(topics.name(VilstreamTopic.CONTENT), topics.name(VilstreamTopic.TAGS)),
                new CatalogIngestor(catalog, topics.name(VilstreamTopic.CONTENT),
                        AvroSerde.forValues(ContentEvent.class, settings.serdeConfig()).deserializer(),
                        AvroSerde.forValues(ObjectTags.class, settings.serdeConfig()).deserializer()),
                () -> { });
        server.addHealthCheck("topics", () -> {
            Throwable failed = embeddings.failure() != null ? embeddings.failure() : content.failure();
            return failed == null ? HealthCheck.Status.up("reading " + embeddingTopics)
                    : HealthCheck.Status.down("stopped reading the topics: " + failed.getMessage());
        });
        switcher.start();
        embeddings.start();
        content.start();
        log.info("retriever listening on {} (index {}, model {})", server.url(), config.indexType(), config.modelName());
    }

    /** Starts the retriever; query towers come from the model topics. */
    public static RetrieverService start(RetrieverConfig config) throws IOException, InterruptedException {
        return new RetrieverService(config, null);
    }

    /** Starts the retriever with towers from elsewhere (tests). */
    public static RetrieverService start(RetrieverConfig config, EncoderSource encoders) throws IOException, InterruptedException {
        return new RetrieverService(config, encoders);
    }

    private static IntFunction<VectorIndex> galleries(RetrieverConfig config) {
        IndexType type = config.indexType();
        HnswIndex.Params hnsw = new HnswIndex.Params(config.getInt(RetrieverConfig.HNSW_M),
                config.getInt(RetrieverConfig.HNSW_BEAM_WIDTH), config.getInt(RetrieverConfig.HNSW_CANDIDATES));
        return dim -> VectorIndex.create(type, dim, hnsw);
    }

    private void nudge() {
        VersionSwitcher s = switcher;
        if (s != null) {
            s.nudge();
        }
    }

    private Map<String, Object> serviceStatus(List<String> embeddingTopics) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", config.modelName());
        out.put("index", Map.of("type", config.indexType().name().toLowerCase(),
                "kernel", config.indexType() == IndexType.EXACT ? SimilarityKernel.fastest().name() : "lucene-hnsw"));
        TopicReplayer e = embeddings;
        out.put("embeddings", Map.of("topics", embeddingTopics, "records", e == null ? 0 : e.recordsRead(),
                "ignored", versions.ignoredRecords()));
        return out;
    }

    public String url() {
        return server.url();
    }

    public int port() {
        return server.port();
    }

    public VersionedIndexes versions() {
        return versions;
    }

    public ContentCatalog catalog() {
        return catalog;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Waits until an index is served (readiness). */
    public boolean awaitServing(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (versions.served().isEmpty()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50); // readiness is polled by callers as well; nothing to signal on
        }
        return true;
    }

    @Override
    public void close() {
        switcher.close();
        embeddings.close();
        content.close();
        follower.close();
        server.close();
        versions.close();
        registry.close();
    }
}
