package io.vilstream.modelstore;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.vilstream.runtime.kafka.KafkaSettings;
import io.vilstream.schemas.avro.CheckpointChunk;
import io.vilstream.schemas.avro.ModelVersion;
import io.vilstream.schemas.serde.AvroSerde;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.errors.ProducerFencedException;

/**
 * Publishes model versions: a checkpoint's chunks and its {@code ModelVersion} record in one
 * Kafka transaction, optionally with the consumed input offsets (exactly-once
 * consume-train-publish) and with retention tombstones for versions that fall out of the
 * window. A {@code read_committed} reader therefore sees a version only with all its chunks, and
 * a crash mid-publication leaves nothing visible. The transactional id fences a zombie trainer:
 * a second instance with the same id aborts the first one's open transaction.
 */
public final class CheckpointPublisher implements AutoCloseable {

    /** 512 KiB: well under the broker's default 1 MiB record limit with headers and framing. */
    public static final int CHUNK_BYTES = 512 * 1024;

    private final KafkaProducer<String, Object> producer;
    private final ModelStoreTopics topics;

    @SuppressWarnings({"unchecked", "rawtypes"})
    public CheckpointPublisher(KafkaSettings settings, ModelStoreTopics topics, String transactionalId) {
        this.topics = topics;
        Map<String, Object> p = settings.common();
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024);
        // a whole checkpoint (tens of MB on slow disks) must fit in one transaction
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 300_000);
        Serializer versionSer = AvroSerde.forValues(ModelVersion.class, settings.serdeConfig()).serializer();
        Serializer chunkSer = AvroSerde.forValues(CheckpointChunk.class, settings.serdeConfig()).serializer();
        Serializer<Object> dispatch = new Serializer<>() {
            @Override
            public byte[] serialize(String topic, Object data) {
                if (data == null) {
                    return null;
                }
                return data instanceof ModelVersion ? versionSer.serialize(topic, data) : chunkSer.serialize(topic, data);
            }
        };
        this.producer = new KafkaProducer<>(p, new StringSerializer(), dispatch);
        producer.initTransactions();
    }

    /** Splits a checkpoint into chunk records. */
    /** Chunks of a checkpoint of this many bytes (at least one, also for an empty one). */
    public static int chunkCount(int bytes) {
        return Math.max(1, (bytes + CHUNK_BYTES - 1) / CHUNK_BYTES);
    }

    public static List<CheckpointChunk> chunks(String model, long version, byte[] checkpoint) {
        int count = chunkCount(checkpoint.length);
        List<CheckpointChunk> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int from = i * CHUNK_BYTES;
            int to = Math.min(checkpoint.length, from + CHUNK_BYTES);
            out.add(CheckpointChunk.newBuilder().setModelName(model).setVersion(version).setIndex(i).setCount(count)
                    .setData(ByteBuffer.wrap(Arrays.copyOfRange(checkpoint, from, to))).build());
        }
        return out;
    }

    /**
     * A version record for a checkpoint: sha256, size and chunk count filled in.
     */
    public static ModelVersion.Builder describe(String model, long version, byte[] checkpoint) {
        Instant now = Instant.now();
        return ModelVersion.newBuilder()
                .setModelName(model).setVersion(version)
                .setSha256(ModelStore.sha256Hex(checkpoint))
                .setSizeBytes(checkpoint.length)
                .setChunkCount(chunkCount(checkpoint.length))
                .setCreatedAt(now).setUpdatedAt(now);
    }

    /**
     * One transaction: the chunks (if {@code checkpoint} is not null), the version record, the
     * extra status records, tombstones, and the consumer offsets.
     *
     * @param checkpoint     the weights, or null to record a version without weights
     * @param statusUpdates  further version records (e.g. a rolled-back predecessor)
     * @param tombstones     versions to delete (retention)
     * @param offsets        input offsets to commit with the publication, or empty
     * @param group          the consumer group the offsets belong to, or null
     */
    public void publish(ModelVersion record, byte[] checkpoint, List<ModelVersion> statusUpdates,
                        List<ModelVersion> tombstones, Map<TopicPartition, OffsetAndMetadata> offsets,
                        ConsumerGroupMetadata group) {
        publish(record, checkpoint, statusUpdates, tombstones, offsets, group, () -> { });
    }

    /**
     * As {@link #publish(ModelVersion, byte[], List, List, Map, ConsumerGroupMetadata)}, running
     * {@code beforeCommit} just before the commit: what it throws aborts the transaction (a check
     * that what the publication was computed from still holds).
     */
    public void publish(ModelVersion record, byte[] checkpoint, List<ModelVersion> statusUpdates,
                        List<ModelVersion> tombstones, Map<TopicPartition, OffsetAndMetadata> offsets,
                        ConsumerGroupMetadata group, Runnable beforeCommit) {
        try {
            producer.beginTransaction();
            if (checkpoint != null) {
                for (CheckpointChunk c : chunks(record.getModelName(), record.getVersion(), checkpoint)) {
                    producer.send(new ProducerRecord<>(topics.checkpoints(),
                            ModelKeys.chunk(c.getModelName(), c.getVersion(), c.getIndex()), c));
                }
            }
            producer.send(new ProducerRecord<>(topics.versions(), ModelKeys.version(record.getModelName(), record.getVersion()), record));
            for (ModelVersion u : statusUpdates) {
                producer.send(new ProducerRecord<>(topics.versions(), ModelKeys.version(u.getModelName(), u.getVersion()), u));
            }
            for (ModelVersion t : tombstones) {
                for (int i = 0; i < t.getChunkCount(); i++) {
                    producer.send(new ProducerRecord<>(topics.checkpoints(), ModelKeys.chunk(t.getModelName(), t.getVersion(), i), null));
                }
                producer.send(new ProducerRecord<>(topics.versions(), ModelKeys.version(t.getModelName(), t.getVersion()), null));
            }
            if (offsets != null && !offsets.isEmpty() && group != null) {
                producer.sendOffsetsToTransaction(offsets, group);
            }
            beforeCommit.run();
            producer.commitTransaction();
        } catch (ProducerFencedException e) {
            throw e; // another instance took over this transactional id: this one must stop
        } catch (RuntimeException e) {
            try {
                producer.abortTransaction();
            } catch (RuntimeException abortFailure) {
                e.addSuppressed(abortFailure);
            }
            throw e;
        }
    }

    /** Status changes only (promotion after a rollback, rollback itself), in one transaction. */
    public void updateStatus(List<ModelVersion> records) {
        if (records.isEmpty()) {
            return;
        }
        ModelVersion first = records.get(0);
        publish(first, null, records.subList(1, records.size()), List.of(), Map.of(), null);
    }

    @Override
    public void close() {
        producer.close();
    }
}
