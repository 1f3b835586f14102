package io.vilstream.encoder.config;

import java.nio.file.Path;
import java.util.Map;

import io.vilstream.model.config.ModelConfig;
import io.vilstream.runtime.config.CommonConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;

/**
 * The stream encoder's configuration, declared once (the docs table is generated from it):
 * the shared keys of {@link CommonConfig} plus batching, input limits, tagging, mining,
 * the Streams deployment shape and the backfill.
 */
public final class EncoderConfig extends AbstractConfig {

    public static final String APPLICATION_ID = "encoder.application.id";
    public static final String BATCH_SIZE = "encoder.batch.size";
    public static final String BATCH_LINGER_MS = "encoder.batch.linger.ms";
    public static final String TOWERS_WORKERS = "encoder.towers.workers";
    public static final String TOWERS_THREADS = "encoder.towers.threads";
    public static final String NUM_STREAM_THREADS = "encoder.num.stream.threads";
    public static final String STANDBY_REPLICAS = "encoder.standby.replicas";
    public static final String STATE_DIR = "encoder.state.dir";
    public static final String COMMIT_INTERVAL_MS = "encoder.commit.interval.ms";
    public static final String MAX_POLL_RECORDS = "encoder.max.poll.records";
    public static final String MAX_IMAGES = "encoder.max.images";
    public static final String MAX_IMAGE_BYTES = "encoder.max.image.bytes";
    public static final String MAX_IMAGE_PIXELS = "encoder.max.image.pixels";
    public static final String MAX_CAPTIONS = "encoder.max.captions";
    public static final String MAX_CAPTION_CHARS = "encoder.max.caption.chars";
    public static final String MAX_TAGS = "encoder.max.tags";
    public static final String TAGS_TOP_K = "encoder.tags.top.k";
    public static final String TAGS_THRESHOLD = "encoder.tags.threshold";
    public static final String HARD_NEGATIVES_K = "encoder.hard.negatives.k";
    public static final String HARD_NEGATIVES_FLOOR = "encoder.hard.negatives.floor";
    public static final String HARD_NEGATIVES_INDEX_SIZE = "encoder.hard.negatives.index.size";
    public static final String BACKFILL_ENABLED = "encoder.backfill.enabled";
    public static final String BACKFILL_GRACE_MS = "encoder.backfill.grace.ms";
    public static final String BACKFILL_COMMIT_INTERVAL_MS = "encoder.backfill.commit.interval.ms";
    public static final String HANGING_TRANSACTIONS_AFTER_MS = "encoder.hanging.transactions.after.ms";
    public static final String MODEL_PRESET = CommonConfig.MODEL_PRESET;
    public static final String MODEL_CHECKPOINT_PATH = "model.checkpoint.path";

    public static final ConfigDef CONFIG = CommonConfig.define(new ConfigDef(), 9401)
            .define(APPLICATION_ID, Type.STRING, "vilstream-encoder", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Kafka Streams application id: the consumer group all encoder instances share (lag-based autoscaling watches it).")
            .define(BATCH_SIZE, Type.INT, 32, Range.between(1, 4096), Importance.HIGH,
                    "Items per tower batch: a buffered micro-batch is encoded when it is this full.")
            .define(BATCH_LINGER_MS, Type.LONG, 50L, Range.between(1, 60_000), Importance.HIGH,
                    "Longest wait of a buffered record: a partial micro-batch is encoded when its oldest record has waited this long.")
            .define(TOWERS_WORKERS, Type.INT, 0, Range.between(0, 256), Importance.MEDIUM,
                    "Batches encoded at once (tower worker threads), while the stream threads prepare the next; "
                            + "0 = the number of cores divided by encoder.towers.threads.")
            .define(TOWERS_THREADS, Type.INT, 1, Range.between(0, 256), Importance.MEDIUM,
                    "libtorch intra-op threads per tower worker; 0 = libtorch's default (every core). On CPUs one thread per "
                            + "worker and a worker per core encode the most (docs/BENCHMARKS.md).")
            .define(NUM_STREAM_THREADS, Type.INT, 1, Range.between(1, 64), Importance.MEDIUM,
                    "Stream threads per instance: each validates, decodes and batches the records of its tasks and hands full "
                            + "batches to the tower workers.")
            .define(STANDBY_REPLICAS, Type.INT, 0, Range.between(0, 8), Importance.MEDIUM,
                    "Standby replicas of the batching state per task, for fast fail-over.")
            .define(STATE_DIR, Type.STRING, Path.of(System.getProperty("java.io.tmpdir"), "vilstream-encoder").toString(),
                    Importance.MEDIUM, "Kafka Streams state directory (the changelogged micro-batch buffers).")
            .define(COMMIT_INTERVAL_MS, Type.LONG, 200L, Range.between(10, 60_000), Importance.LOW,
                    "Transaction commit interval under exactly_once_v2: outputs become visible to read_committed readers at commits.")
            .define(MAX_POLL_RECORDS, Type.INT, 128, Range.between(1, 10_000), Importance.LOW,
                    "Records per poll: bounds the encoding work between polls (a few batches), far below max.poll.interval.ms.")
            .define(MAX_IMAGES, Type.INT, 8, Range.between(1, 1000), Importance.MEDIUM, "Renditions per content event at most.")
            .define(MAX_IMAGE_BYTES, Type.INT, 1 << 20, Range.between(1, Integer.MAX_VALUE), Importance.MEDIUM,
                    "Encoded bytes per image at most.")
            .define(MAX_IMAGE_PIXELS, Type.LONG, 4096L * 4096L, Range.atLeast(1), Importance.MEDIUM,
                    "Width × height declared in an image header at most (checked before decoding: decompression bombs).")
            .define(MAX_CAPTIONS, Type.INT, 32, Range.between(1, 10_000), Importance.MEDIUM, "Captions per content event at most.")
            .define(MAX_CAPTION_CHARS, Type.INT, 1000, Range.between(1, 1_000_000), Importance.MEDIUM, "Characters per caption at most.")
            .define(MAX_TAGS, Type.INT, 64, Range.between(0, 10_000), Importance.MEDIUM, "Producer tags per content event at most.")
            .define(TAGS_TOP_K, Type.INT, 5, Range.between(1, 100), Importance.LOW, "Generated tags per image at most.")
            .define(TAGS_THRESHOLD, Type.DOUBLE, 0.3, Range.between(0.0, 1.0), Importance.LOW, "Probability a generated tag needs.")
            .define(HARD_NEGATIVES_K, Type.INT, 5, Range.between(1, 100), Importance.LOW, "Hard negatives mined per item.")
            .define(HARD_NEGATIVES_FLOOR, Type.DOUBLE, 0.2, Range.between(-1.0, 1.0), Importance.LOW,
                    "Cosine similarity a hard negative needs.")
            .define(HARD_NEGATIVES_INDEX_SIZE, Type.INT, 2048, Range.between(1, 1_000_000), Importance.LOW,
                    "Recent image embeddings the miner compares against.")
            .define(BACKFILL_ENABLED, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Re-embed all content with every newly served version (one Streams app per version).")
            .define(BACKFILL_GRACE_MS, Type.LONG, 10_000L, Range.atLeast(0), Importance.LOW,
                    "Wait after a swap before a backfill fixes the offsets it must reach, so every encoder instance has swapped.")
            .define(BACKFILL_COMMIT_INTERVAL_MS, Type.LONG, 1000L, Range.between(10, 60_000), Importance.LOW,
                    "A backfill's transaction commit interval: the retriever switches only once a version covers everything, "
                    + "so its records need not be visible sooner; fewer, larger transactions re-embed faster.")
            .define(HANGING_TRANSACTIONS_AFTER_MS, Type.LONG, 120_000L, Range.atLeast(0), Importance.LOW,
                    "A transaction open this long on an output partition is judged (0 = never): one its coordinator has "
                            + "aborted gets its missing abort marker, any other is logged and counted for an operator "
                            + "(vilstream_encoder_hanging_transactions). Must exceed the producers' transaction timeout.")
            .define(MODEL_CHECKPOINT_PATH, Type.STRING, null, Importance.LOW,
                    "A checkpoint file to serve until a version is published (instead of the seeded version 0).");

    public EncoderConfig(Map<?, ?> props) {
        super(CONFIG, props);
    }

    public ModelConfig modelConfig() {
        return modelPreset(getString(MODEL_PRESET));
    }

    public static ModelConfig modelPreset(String preset) {
        return ModelConfig.preset(preset);
    }
}
