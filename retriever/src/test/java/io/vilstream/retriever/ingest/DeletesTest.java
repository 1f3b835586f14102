package io.vilstream.retriever.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.vilstream.model.image.ImageDecoder;
import io.vilstream.retriever.catalog.ContentCatalog;
import io.vilstream.retriever.index.ExactIndex;
import io.vilstream.retriever.index.HnswIndex;
import io.vilstream.retriever.index.ScoredId;
import io.vilstream.retriever.testing.FixtureEmbeddings;
import io.vilstream.retriever.versions.ServingPolicy;
import io.vilstream.retriever.versions.VersionedIndexes;
import io.vilstream.schemas.avro.Caption;
import io.vilstream.schemas.avro.ContentEvent;
import io.vilstream.schemas.avro.ImageRendition;
import io.vilstream.schemas.avro.Embedding;
import io.vilstream.schemas.avro.Modality;
import io.vilstream.schemas.avro.ObjectTags;
import io.vilstream.schemas.avro.ScoredTag;
import io.vilstream.schemas.serde.AvroSerde;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Deleted content leaves the retriever: the encoder's tombstones on the embedding topics remove
 * the item from every version's index (complete or half-arrived, exact or HNSW), and the content
 * and tags tombstones remove it from the catalog, whichever of the two topics is read first.
 */
class DeletesTest {

    private static final String MODEL = "m";
    private static final String IMAGES = "vilstream.embeddings.image.v1";
    private static final String TEXTS = "vilstream.embeddings.text.v1";
    private static final String CONTENT = "vilstream.content.v1";
    private static final String TAGS = "vilstream.tags.v1";

    private final Map<String, Object> serdeConfig = Map.of("schema.registry.url", "mock://deletes-" + UUID.randomUUID());
    private final AvroSerde<Embedding> embeddings = AvroSerde.forValues(Embedding.class, serdeConfig);
    private final AvroSerde<ContentEvent> content = AvroSerde.forValues(ContentEvent.class, serdeConfig);
    private final AvroSerde<ObjectTags> tags = AvroSerde.forValues(ObjectTags.class, serdeConfig);
    private long offset;

    private ConsumerRecord<String, byte[]> record(String topic, String key, byte[] value) {
        return new ConsumerRecord<>(topic, 0, offset++, key, value);
    }

    private ConsumerRecord<String, byte[]> embedding(String id, Modality modality, long version, float[] v) {
        String topic = modality == Modality.IMAGE ? IMAGES : TEXTS;
        return record(topic, id, embeddings.serializer().serialize(topic,
                FixtureEmbeddings.record(id, modality, MODEL, version, v)));
    }

    static ContentEvent event(String id, String name, int imageBytes) {
        return ContentEvent.newBuilder().setId(id)
                .setImages(List.of(ImageRendition.newBuilder().setData(ByteBuffer.wrap(new byte[imageBytes]))
                        .setMediaType("image/png").setSource("test").build()))
                .setCaptions(List.of(Caption.newBuilder().setText(name).setKind("name").build()))
                .setEventTime(Instant.EPOCH).build();
    }

    @SafeVarargs
    private static ConsumerRecords<String, byte[]> batch(ConsumerRecord<String, byte[]>... records) {
        Map<TopicPartition, List<ConsumerRecord<String, byte[]>>> byPartition = new java.util.LinkedHashMap<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            byPartition.computeIfAbsent(new TopicPartition(r.topic(), r.partition()), p -> new ArrayList<>()).add(r);
        }
        return new ConsumerRecords<>(byPartition);
    }

    @Test
    void aTombstoneRemovesTheItemFromEveryIndex() {
        // version 1 exact, version 2 HNSW: both kinds of gallery lose the item
        VersionedIndexes versions = new VersionedIndexes(MODEL,
                dim -> new ExactIndex(dim), 3, new ServingPolicy(true), v -> {
                    throw new IllegalStateException("no towers in this test");
                }, new ImageDecoder.Limits(1000, 1000), Clock.systemUTC());
        VersionedIndexes hnsw = new VersionedIndexes(MODEL,
                dim -> new HnswIndex(dim, HnswIndex.Params.defaults()), 3, new ServingPolicy(true), v -> {
                    throw new IllegalStateException("no towers in this test");
                }, new ImageDecoder.Limits(1000, 1000), Clock.systemUTC());
        for (VersionedIndexes idx : List.of(versions, hnsw)) {
            EmbeddingIngestor ingest = new EmbeddingIngestor(idx, embeddings.deserializer(), new EmbeddingIngestor.Counters() {
                @Override
                public void record(VersionedIndexes.Outcome outcome) {
                }

                @Override
                public void undecodable() {
                }
            }, () -> { });
            float[] a = {1, 0};
            float[] b = {0, 1};
            ingest.handle(batch(
                    embedding("a", Modality.IMAGE, 1, a), embedding("a", Modality.TEXT, 1, a),
                    embedding("b", Modality.IMAGE, 1, b), embedding("b", Modality.TEXT, 1, b),
                    embedding("a", Modality.IMAGE, 2, a), embedding("a", Modality.TEXT, 2, a),
                    embedding("b", Modality.IMAGE, 2, b), embedding("b", Modality.TEXT, 2, b),
                    embedding("a", Modality.IMAGE, 3, a))); // version 3: only the image half so far
            assertThat(idx.index(1).orElseThrow().ids()).containsExactlyInAnyOrder("a", "b");
            assertThat(idx.index(3).orElseThrow().pendingImages()).isEqualTo(1);

            ingest.handle(batch(record(IMAGES, "a", null), record(TEXTS, "a", null)));

            for (long v : List.of(1L, 2L)) {
                assertThat(idx.index(v).orElseThrow().ids()).as("version %d", v).containsExactly("b");
                assertThat(idx.index(v).orElseThrow().searchImages(a, 10)).extracting(ScoredId::id).containsExactly("b");
                assertThat(idx.index(v).orElseThrow().searchTexts(a, 10)).extracting(ScoredId::id).containsExactly("b");
            }
            assertThat(idx.index(3).orElseThrow().pendingImages()).as("a half that waited for its other half").isZero();
            // the text half of version 3 arriving later does not make the item whole again
            ingest.handle(batch(embedding("a", Modality.TEXT, 3, a)));
            assertThat(idx.index(3).orElseThrow().ids()).isEmpty();
        }
    }

    @Test
    void aDeletedItemLeavesTheCatalogEvenWhenItsTagsAreReadAfterTheContentTombstone() {
        ContentCatalog catalog = new ContentCatalog(100, 1 << 20, 1024);
        CatalogIngestor ingest = new CatalogIngestor(catalog, CONTENT, content.deserializer(), tags.deserializer());
        ObjectTags generated = ObjectTags.newBuilder().setContentId("a").setModelName(MODEL).setTaggerVersion(1)
                .setTags(List.of(ScoredTag.newBuilder().setTag("cat").setScore(0.9f).build())).setProducedAt(Instant.EPOCH).build();
        ingest.handle(batch(record(CONTENT, "a", content.serializer().serialize(CONTENT, event("a", "cat", 10))),
                record(CONTENT, "b", content.serializer().serialize(CONTENT, event("b", "dog", 10)))));
        assertThat(catalog.get("a")).isPresent();

        // the content topic is read ahead of the tags topic: the delete first, then a's last tags, then their tombstone
        ingest.handle(batch(record(CONTENT, "a", null)));
        assertThat(catalog.get("a")).isEmpty();
        ingest.handle(batch(record(TAGS, "a", tags.serializer().serialize(TAGS, generated))));
        ingest.handle(batch(record(TAGS, "a", null)));

        assertThat(catalog.get("a")).as("deleted, also from the catalog").isEmpty();
        assertThat(catalog.get("b")).isPresent();
    }

    @Test
    void aTagsTombstoneReadAfterTheItemWasCreatedAgainKeepsTheItem() {
        ContentCatalog catalog = new ContentCatalog(100, 1 << 20, 1024);
        CatalogIngestor ingest = new CatalogIngestor(catalog, CONTENT, content.deserializer(), tags.deserializer());
        ingest.handle(batch(record(CONTENT, "a", null),
                record(CONTENT, "a", content.serializer().serialize(CONTENT, event("a", "cat again", 10)))));
        ingest.handle(batch(record(TAGS, "a", null))); // the old delete's tags tombstone, read late

        assertThat(catalog.get("a")).map(i -> i.name()).contains("cat again");
    }
}
