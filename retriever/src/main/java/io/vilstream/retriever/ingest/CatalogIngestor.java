package io.vilstream.retriever.ingest;

import io.vilstream.retriever.catalog.ContentCatalog;
import io.vilstream.schemas.avro.ContentEvent;
import io.vilstream.schemas.avro.ObjectTags;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Content events and generated tags → the content catalog. A content tombstone removes the item,
 * a tags tombstone its generated tags. Bad records are skipped with a warning.
 */
public final class CatalogIngestor implements TopicReplayer.BatchHandler {

    private static final Logger log = LoggerFactory.getLogger(CatalogIngestor.class);

    private final ContentCatalog catalog;
    private final String contentTopic;
    private final Deserializer<ContentEvent> content;
    private final Deserializer<ObjectTags> tags;

    public CatalogIngestor(ContentCatalog catalog, String contentTopic, Deserializer<ContentEvent> content,
                           Deserializer<ObjectTags> tags) {
        this.catalog = catalog;
        this.contentTopic = contentTopic;
        this.content = content;
        this.tags = tags;
    }

    @Override
    public void handle(ConsumerRecords<String, byte[]> records) {
        for (ConsumerRecord<String, byte[]> r : records) {
            boolean isContent = r.topic().equals(contentTopic);
            if (r.value() == null) {
                if (r.key() != null) {
                    if (isContent) {
                        catalog.remove(r.key());
                    } else {
                        catalog.removeGeneratedTags(r.key()); // the encoder passes a content delete on
                    }
                }
                continue;
            }
            try {
                if (isContent) {
                    catalog.put(content.deserialize(r.topic(), r.value()));
                } else {
                    catalog.put(tags.deserialize(r.topic(), r.value()));
                }
            } catch (RuntimeException e) {
                // bad content is the encoder's to dead-letter; here it only lacks a name
                log.warn("skipping record {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
            }
        }
    }
}
