package io.vilstream.encoder.topology;

import io.vilstream.schemas.avro.Embedding;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the backfill's global view of the image-embedding topic: for each content id, the
 * model version of its latest embedding. The backfill skips an item the live encoder already
 * embedded with the version being backfilled.
 */
final class EmbeddedVersions implements Processor<String, Embedding, Void, Void> {

    private KeyValueStore<String, Long> store;

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
            store.delete(record.key());
        } else {
            store.put(record.key(), record.value().getModelVersion());
        }
    }
}
