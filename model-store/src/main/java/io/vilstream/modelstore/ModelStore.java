package io.vilstream.modelstore;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.vilstream.runtime.kafka.KafkaSettings;
import io.vilstream.schemas.avro.CheckpointChunk;
import io.vilstream.schemas.avro.ModelVersion;
import io.vilstream.schemas.serde.AvroSerde;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the model topics: the state of a model's versions, and a version's checkpoint
 * assembled from its chunks and verified against the sha256 in its version record. Readers are
 * {@code read_committed} and the chunks are written in the version record's transaction, but the
 * markers of one transaction reach its partitions one by one: a reader can see the version record
 * before all its chunks, so a fetch that finds chunks missing is worth retrying
 * ({@link LoadBackoff}). Stateless between calls; each call uses a short-lived consumer.
 */
public final class ModelStore {

    private static final Duration POLL = Duration.ofMillis(200);

    private final KafkaSettings settings;
    private final ModelStoreTopics topics;

    public ModelStore(KafkaSettings settings, ModelStoreTopics topics) {
        this.settings = settings;
        this.topics = topics;
    }

    public ModelStoreTopics topics() {
        return topics;
    }

    /** Reads the versions topic to its end. */
    public ModelRegistryState readState(String model, Duration timeout) {
        ModelRegistryState state = new ModelRegistryState(model);
        KafkaConsumer<String, ModelVersion> consumer = consumer(ModelVersion.class);
        try {
            List<TopicPartition> parts = partitions(consumer, topics.versions());
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("timed out reading " + topics.versions());
                }
                for (ConsumerRecord<String, ModelVersion> r : consumer.poll(POLL)) {
                    state.apply(r.key(), r.value());
                }
            }
        } finally {
            close(consumer);
        }
        return state;
    }

    /**
     * The checkpoint of a version: all its chunks, concatenated in index order, checked
     * against the version's sha256.
     */
    public byte[] fetchCheckpoint(ModelVersion version, Duration timeout) throws CheckpointUnavailableException {
        if (version.getChunkCount() <= 0) {
            throw new CheckpointUnavailableException("version " + version.getVersion() + " of " + version.getModelName()
                    + " has no published weights (status " + version.getStatus() + ")");
        }
        String prefix = ModelKeys.version(version.getModelName(), version.getVersion()) + "#";
        Map<Integer, ByteBuffer> chunks = new HashMap<>();
        KafkaConsumer<String, CheckpointChunk> consumer = consumer(CheckpointChunk.class);
        try {
            List<TopicPartition> parts = partitions(consumer, topics.checkpoints());
            consumer.assign(parts);
            // chunks precede their version record in one transaction: start a little before it was made
            Map<TopicPartition, Long> times = parts.stream().collect(Collectors.toMap(p -> p,
                    p -> Math.max(0, version.getCreatedAt().toEpochMilli() - 60_000)));
            Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(times, timeout);
            for (TopicPartition p : parts) {
                OffsetAndTimestamp o = starts.get(p);
                if (o == null) {
                    consumer.seekToBeginning(List.of(p));
                } else {
                    consumer.seek(p, o.offset());
                }
            }
            Map<TopicPartition, Long> end = consumer.endOffsets(parts, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            // read to the end: a later tombstone (retention) removes a chunk read earlier
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new CheckpointUnavailableException("timed out reading the chunks of version " + version.getVersion());
                }
                for (ConsumerRecord<String, CheckpointChunk> r : consumer.poll(POLL)) {
                    if (r.key() == null || !r.key().startsWith(prefix)) {
                        continue;
                    }
                    int index = Integer.parseInt(r.key().substring(prefix.length()));
                    if (r.value() == null) {
                        chunks.remove(index);
                    } else {
                        chunks.put(index, r.value().getData());
                    }
                }
            }
        } finally {
            close(consumer);
        }
        if (chunks.size() != version.getChunkCount()) {
            throw new CheckpointUnavailableException("version " + version.getVersion() + " has " + chunks.size()
                    + " of its " + version.getChunkCount() + " chunks on " + topics.checkpoints());
        }
        byte[] bytes = new byte[(int) version.getSizeBytes()];
        int pos = 0;
        for (int i = 0; i < version.getChunkCount(); i++) {
            ByteBuffer b = chunks.get(i).duplicate();
            int n = b.remaining();
            if (pos + n > bytes.length) {
                throw new CheckpointUnavailableException("chunks of version " + version.getVersion()
                        + " exceed the recorded size " + version.getSizeBytes(), true);
            }
            b.get(bytes, pos, n);
            pos += n;
        }
        if (pos != bytes.length) {
            throw new CheckpointUnavailableException("chunks of version " + version.getVersion() + " hold " + pos
                    + " bytes, the record says " + version.getSizeBytes(), true);
        }
        String sha = sha256Hex(bytes);
        if (!sha.equals(version.getSha256())) {
            throw new CheckpointUnavailableException("checkpoint of version " + version.getVersion()
                    + " fails its sha256: got " + sha + ", recorded " + version.getSha256(), true);
        }
        return bytes;
    }

    static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " does not exist (create the topics first: vilstream topics create)");
        }
        return infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
    }

    /**
     * Closes a consumer of this store. A service that stops interrupts the thread reading; Kafka's
     * close on an interrupted thread gives up at once and logs the interrupt as an error with its
     * stack trace. The close runs with the interrupt cleared (at most {@link #CLOSE_TIMEOUT}), and
     * the interrupt is kept for the caller.
     */
    static void close(KafkaConsumer<?, ?> consumer) {
        boolean interrupted = Thread.interrupted();
        try {
            consumer.close(CLOSE_TIMEOUT);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    <V extends org.apache.avro.specific.SpecificRecord> KafkaConsumer<String, V> consumer(Class<V> type) {
        Map<String, Object> p = settings.common();
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // checkpoint chunks are up to 512 KiB each
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024);
        return new KafkaConsumer<>(p, new StringDeserializer(), AvroSerde.forValues(type, settings.serdeConfig()).deserializer());
    }

    static Set<String> keysOf(ModelVersion v) {
        Set<String> keys = new java.util.HashSet<>();
        keys.add(ModelKeys.version(v.getModelName(), v.getVersion()));
        for (int i = 0; i < v.getChunkCount(); i++) {
            keys.add(ModelKeys.chunk(v.getModelName(), v.getVersion(), i));
        }
        return keys;
    }
}
