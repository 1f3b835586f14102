package io.vilstream.encoder.topology;

import io.vilstream.schemas.avro.Embedding;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the backfill's global view of the image-embedding topic: for each content id, the
 * model version of its latest embedding, or its deletion, with the record's timestamp
 * ({@link EmbeddedState}). The backfill skips an item the live encoder already embedded with the
 * version being backfilled, and content older than a deletion already written: a tombstone is
 * kept as a marker, not forgotten, or the backfill would embed the deleted content again.
 */
final class EmbeddedVersions implements Processor<String, Embedding, Void, Void> {

    private KeyValueStore<String, EmbeddedState> store;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(EncoderTopology.EMBEDDED_VERSIONS_STORE);
    }

    @Override
    public void process(Record<String, Embedding> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            store.put(record.key(), EmbeddedState.deleted(record.timestamp()));
        } else {
            store.put(record.key(), new EmbeddedState(record.value().getModelVersion(), record.timestamp()));
        }
    }
}
