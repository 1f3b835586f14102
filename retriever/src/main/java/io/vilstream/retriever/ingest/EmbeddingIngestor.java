package io.vilstream.retriever.ingest;

import io.vilstream.retriever.versions.VersionedIndexes;
import io.vilstream.schemas.avro.Embedding;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embedding records (both topics) → the version indexes. A tombstone deletes the item from
 * every version; an undecodable record is counted and skipped.
 */
public final class EmbeddingIngestor implements TopicReplayer.BatchHandler {

    private static final Logger log = LoggerFactory.getLogger(EmbeddingIngestor.class);

    /** Counts what became of records (metrics). */
    public interface Counters {
        void record(VersionedIndexes.Outcome outcome);

        void undecodable();
    }

    private final VersionedIndexes versions;
    private final Deserializer<Embedding> deserializer;
    private final Counters counters;
    private final Runnable afterBatch;

    public EmbeddingIngestor(VersionedIndexes versions, Deserializer<Embedding> deserializer, Counters counters,
                             Runnable afterBatch) {
        this.versions = versions;
        this.deserializer = deserializer;
        this.counters = counters;
        this.afterBatch = afterBatch;
    }

    @Override
    public void handle(ConsumerRecords<String, byte[]> records) {
        for (ConsumerRecord<String, byte[]> r : records) {
            if (r.value() == null) {
                if (r.key() != null) {
                    versions.delete(r.key());
                }
                continue;
            }
            Embedding e;
            try {
                e = deserializer.deserialize(r.topic(), r.value());
            } catch (RuntimeException failure) {
                counters.undecodable();
                log.warn("skipping an undecodable record at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(),
                        failure.getMessage());
                continue;
            }
            counters.record(versions.apply(e));
        }
        versions.endOfBatch();
        afterBatch.run();
    }
}
