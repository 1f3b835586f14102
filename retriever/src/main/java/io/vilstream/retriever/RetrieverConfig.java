package io.vilstream.retriever;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.vilstream.model.eval.HubnessCorrection;
import io.vilstream.runtime.config.CommonConfig;
import io.vilstream.runtime.http.ServerLimits;
import io.vilstream.runtime.kafka.KafkaSettings;
import io.vilstream.retriever.index.IndexType;
import io.vilstream.schemas.topics.TopicSet;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The retriever's configuration, declared once: the shared service keys ({@link CommonConfig}),
 * the one HTTP listener for the API, the page, {@code /metrics} and {@code /health}
 * ({@code retriever.port}/{@code retriever.host}, falling back to {@code metrics.port} (default
 * 8080) and {@code metrics.host} (default 127.0.0.1)) with its threads and I/O timeouts
 * ({@code retriever.http.*}), the index
 * type and its parameters, how many model versions' indexes are held, the API's limits and the
 * content cache's bounds. A bad value fails at start-up naming its key.
 */
public final class RetrieverConfig extends AbstractConfig {

    public static final int DEFAULT_PORT = 8080;

    public static final String PORT = "retriever.port";
    public static final String HOST = "retriever.host";
    public static final String INDEX_TYPE = "retriever.index.type";
    public static final String HNSW_M = "retriever.hnsw.m";
    public static final String HNSW_BEAM_WIDTH = "retriever.hnsw.beam.width";
    public static final String HNSW_CANDIDATES = "retriever.hnsw.candidates";
    public static final String VERSIONS_MAX = "retriever.versions.max";
    public static final String ROLLBACK_IMMEDIATE = "retriever.rollback.immediate";
    public static final String SEARCH_DEFAULT_K = "retriever.search.default.k";
    public static final String SEARCH_MAX_K = "retriever.search.max.k";
    public static final String HUBNESS_K = "retriever.hubness.k";
    public static final String HUBNESS_WEIGHT = "retriever.hubness.weight";
    public static final String SEARCH_MAX_TEXT_CHARS = "retriever.search.max.text.chars";
    public static final String UPLOAD_MAX_BYTES = "retriever.upload.max.bytes";
    public static final String UPLOAD_MAX_PIXELS = "retriever.upload.max.pixels";
    public static final String CATALOG_MAX_ITEMS = "retriever.catalog.max.items";
    public static final String CATALOG_MAX_BYTES = "retriever.catalog.max.bytes";
    public static final String CATALOG_MAX_IMAGE_BYTES = "retriever.catalog.max.image.bytes";
    public static final String CHECKPOINT_TIMEOUT_MS = "retriever.checkpoint.timeout.ms";
    public static final String HTTP_THREADS = "retriever.http.threads";
    public static final String HTTP_QUEUE = "retriever.http.queue";
    public static final String HTTP_CONNECTION_THREADS = "retriever.http.connection.threads";
    public static final String HTTP_HEADER_TIMEOUT_MS = "retriever.http.header.timeout.ms";
    public static final String HTTP_BODY_TIMEOUT_MS = "retriever.http.body.timeout.ms";
    public static final String HTTP_RESPONSE_TIMEOUT_MS = "retriever.http.response.timeout.ms";
    public static final String MODEL_PRESET = CommonConfig.MODEL_PRESET;

    private static final ConfigDef DEFINITION = define();

    public RetrieverConfig(Map<?, ?> originals) {
        super(DEFINITION, originals, false);
        if (getInt(SEARCH_DEFAULT_K) > getInt(SEARCH_MAX_K)) {
            throw new ConfigException(SEARCH_DEFAULT_K, getInt(SEARCH_DEFAULT_K),
                    "must not exceed " + SEARCH_MAX_K + " (" + getInt(SEARCH_MAX_K) + ")");
        }
    }

    /** The declaration, for {@code ConfigDocs} and the CLI. */
    public static ConfigDef definition() {
        return new ConfigDef(DEFINITION);
    }

    private static ConfigDef define() {
        ConfigDef def = CommonConfig.define(new ConfigDef(), DEFAULT_PORT);
        return def
                .define(PORT, Type.INT, null, new OptionalPort(), Importance.HIGH,
                        "HTTP port of the API, the page, /metrics and /health (0 = any free port); unset: metrics.port, "
                                + "default " + DEFAULT_PORT + ".")
                .define(HOST, Type.STRING, null, Importance.MEDIUM,
                        "Bind address of the HTTP port; unset: metrics.host (127.0.0.1; 0.0.0.0 in containers).")
                .define(INDEX_TYPE, Type.STRING, "exact", new IndexTypeValidator(), Importance.MEDIUM,
                        "exact: brute force over all vectors (SIMD), exact answers, fastest below ~100k items per "
                                + "version; hnsw: Lucene HNSW graph, approximate, for large galleries.")
                .define(HNSW_M, Type.INT, 16, Range.between(2, 512), Importance.LOW,
                        "HNSW: neighbours per node (more = better recall, more memory).")
                .define(HNSW_BEAM_WIDTH, Type.INT, 100, Range.between(2, 3200), Importance.LOW,
                        "HNSW: candidates considered while building the graph.")
                .define(HNSW_CANDIDATES, Type.INT, 100, Range.between(1, 10_000), Importance.LOW,
                        "HNSW: candidates gathered per query before the best k are returned (recall vs latency).")
                .define(VERSIONS_MAX, Type.INT, 3, Range.between(2, 16), Importance.MEDIUM,
                        "Model versions whose indexes are held at once (the served one, the one being built, and "
                                + "older ones a rollback can return to at once). Bounds memory.")
                .define(ROLLBACK_IMMEDIATE, Type.BOOLEAN, true, Importance.MEDIUM,
                        "On a rollback, serve the older version at once when its index is held (items embedded "
                                + "only by the rolled-back version are missing until re-embedded); false waits for "
                                + "full coverage, as a promotion does.")
                .define(SEARCH_DEFAULT_K, Type.INT, 10, Range.between(1, 10_000), Importance.LOW,
                        "Results per query when the request gives no k.")
                .define(SEARCH_MAX_K, Type.INT, 100, Range.between(1, 10_000), Importance.LOW,
                        "Largest k a request may ask for; above it is a 400.")
                .define(HUBNESS_K, Type.INT, HubnessCorrection.DEFAULT.k(), Range.between(0, 1_000), Importance.LOW,
                        "Neighbours averaged into a result's hubness (its mean similarity to its k nearest items "
                                + "of the other modality); results are ranked by cosine less "
                                + HUBNESS_WEIGHT + " times it, as `bench train` and the gate measure them. 0 ranks "
                                + "by cosine alone.")
                .define(HUBNESS_WEIGHT, Type.DOUBLE, (double) HubnessCorrection.DEFAULT.weight(), Range.between(0.0, 1.0),
                        Importance.LOW, "Share of a result's hubness subtracted from its cosine (0 ranks by cosine alone).")
                .define(SEARCH_MAX_TEXT_CHARS, Type.INT, 512, Range.between(1, 1_000_000), Importance.LOW,
                        "Longest text query in characters; above it is a 400.")
                .define(UPLOAD_MAX_BYTES, Type.INT, 1 << 20, Range.between(1, 64 << 20), Importance.LOW,
                        "Largest image upload in bytes (the raw image, or the whole multipart body); above it is a 413.")
                .define(UPLOAD_MAX_PIXELS, Type.LONG, 4096L * 4096L, Range.atLeast(1L), Importance.LOW,
                        "Largest width x height an uploaded image may declare (decompression bombs are refused "
                                + "before decoding).")
                .define(CATALOG_MAX_ITEMS, Type.INT, 200_000, Range.atLeast(1), Importance.LOW,
                        "Items whose content (captions, tags, first image) is cached for lookups; least recently "
                                + "used go first.")
                .define(CATALOG_MAX_BYTES, Type.LONG, 256L << 20, Range.atLeast(1L), Importance.LOW,
                        "Bytes of cached content (images dominate); least recently used go first.")
                .define(CATALOG_MAX_IMAGE_BYTES, Type.INT, 256 << 10, Range.atLeast(0), Importance.LOW,
                        "Largest first image cached per item; a bigger one is not cached (its captions are).")
                .define(CHECKPOINT_TIMEOUT_MS, Type.LONG, 120_000L, Range.atLeast(1_000L), Importance.LOW,
                        "How long fetching a version's checkpoint (for its query towers) may take.")
                .define(HTTP_THREADS, Type.INT, ServerLimits.DEFAULT_WORKER_THREADS, Range.between(1, 1024),
                        Importance.MEDIUM, "Threads that run API requests (searches, uploads, items, status, the page); "
                                + "/health and /metrics never wait for them.")
                .define(HTTP_QUEUE, Type.INT, ServerLimits.DEFAULT_WORKER_THREADS * ServerLimits.QUEUE_PER_WORKER,
                        Range.between(0, 100_000), Importance.LOW,
                        "API requests that may wait for a thread; beyond it the answer is a 503 with Retry-After.")
                .define(HTTP_CONNECTION_THREADS, Type.INT, ServerLimits.DEFAULT_CONNECTION_THREADS,
                        Range.between(1, 1024), Importance.LOW,
                        "Threads that read request headers and answer /health and /metrics themselves.")
                .define(HTTP_HEADER_TIMEOUT_MS, Type.LONG, ServerLimits.DEFAULT_HEADER_TIMEOUT.toMillis(),
                        Range.between(100L, 3_600_000L), Importance.LOW,
                        "A client must send a request's line and headers within this time from its first byte, or "
                                + "its connection is closed.")
                .define(HTTP_BODY_TIMEOUT_MS, Type.LONG, ServerLimits.DEFAULT_BODY_TIMEOUT.toMillis(),
                        Range.between(100L, 3_600_000L), Importance.LOW,
                        "An upload's body must have arrived within this time after its headers (waiting for a "
                                + "thread counts), or its connection is closed.")
                .define(HTTP_RESPONSE_TIMEOUT_MS, Type.LONG, ServerLimits.DEFAULT_RESPONSE_TIMEOUT.toMillis(),
                        Range.between(100L, 3_600_000L), Importance.LOW,
                        "A client must take a response within this time, or its connection is closed.");
    }

    public KafkaSettings kafkaSettings() {
        return CommonConfig.kafkaSettings(this);
    }

    public TopicSet topics() {
        return TopicSet.fromConfig(originals());
    }

    public String modelName() {
        return getString(CommonConfig.MODEL_NAME);
    }

    public io.vilstream.model.config.ModelConfig initialModelConfig() {
        return io.vilstream.model.config.ModelConfig.preset(getString(MODEL_PRESET));
    }

    public long modelSeed() {
        return getLong(CommonConfig.MODEL_SEED);
    }

    public String host() {
        String h = getString(HOST);
        return h != null && !h.isBlank() ? h : getString(CommonConfig.METRICS_HOST);
    }

    public int port() {
        Integer p = getInt(PORT);
        return p != null ? p : getInt(CommonConfig.METRICS_PORT);
    }

    /** The HTTP server's threads and I/O timeouts. */
    public ServerLimits serverLimits() {
        return new ServerLimits(getInt(HTTP_CONNECTION_THREADS), getInt(HTTP_THREADS), getInt(HTTP_QUEUE),
                Duration.ofMillis(getLong(HTTP_HEADER_TIMEOUT_MS)), Duration.ofMillis(getLong(HTTP_BODY_TIMEOUT_MS)),
                Duration.ofMillis(getLong(HTTP_RESPONSE_TIMEOUT_MS)));
    }

    /** How searches are ranked ({@link #HUBNESS_K}, {@link #HUBNESS_WEIGHT}). */
    public HubnessCorrection ranking() {
        return new HubnessCorrection(getInt(HUBNESS_K), getDouble(HUBNESS_WEIGHT).floatValue());
    }

    public IndexType indexType() {
        return IndexType.parse(getString(INDEX_TYPE));
    }

    /** Search and upload limits of the API. */
    public ApiLimits apiLimits() {
        return new ApiLimits(getInt(SEARCH_DEFAULT_K), getInt(SEARCH_MAX_K), getInt(SEARCH_MAX_TEXT_CHARS),
                getInt(UPLOAD_MAX_BYTES), getLong(UPLOAD_MAX_PIXELS));
    }

    /**
     * What the API accepts.
     *
     * @param defaultK      k when the request gives none
     * @param maxK          largest k
     * @param maxTextChars  longest text query
     * @param maxUploadBytes largest upload body
     * @param maxPixels     largest declared image area
     */
    public record ApiLimits(int defaultK, int maxK, int maxTextChars, int maxUploadBytes, long maxPixels) {
    }

    private static final class OptionalPort implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (value != null && ((Integer) value < 0 || (Integer) value > 65535)) {
                throw new ConfigException(name, value, "must be a port in 0..65535");
            }
        }

        @Override
        public String toString() {
            return "0..65535 or unset";
        }
    }

    private static final class IndexTypeValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            try {
                IndexType.parse((String) value);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, value, e.getMessage());
            }
        }

        @Override
        public String toString() {
            return String.join(", ", List.of(IndexType.values()).stream()
                    .map(t -> t.name().toLowerCase(Locale.ROOT)).toList());
        }
    }
}
