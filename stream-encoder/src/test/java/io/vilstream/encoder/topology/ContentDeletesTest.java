package io.vilstream.encoder.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vilstream.encoder.ContentFixtures;
import io.vilstream.encoder.batching.BufferEntry;
import io.vilstream.encoder.metrics.EncoderMetrics;
import io.vilstream.encoder.models.SwappableModel;
import io.vilstream.model.config.ModelConfig;
import io.vilstream.model.towers.DualEncoder;
import io.vilstream.schemas.avro.ContentEvent;
import io.vilstream.schemas.avro.Embedding;
import io.vilstream.schemas.avro.ObjectTags;
import io.vilstream.schemas.serde.AvroSerde;
import io.vilstream.schemas.topics.TopicSet;
import io.vilstream.schemas.topics.VilstreamTopic;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Deleting content: a tombstone on the content topic (key = content id) becomes tombstones for
 * that id on the image and text embedding topics and the tags topic, never a DLQ record; the
 * id's records buffered before it never come out after it, whether they were waiting, being
 * encoded or encoded but not yet forwarded; a backfill re-reading the content topic does not
 * embed content older than a deletion the embedding topic holds, nor delete an item created again.
 */
class ContentDeletesTest {

    private static final ModelConfig CONFIG = ModelConfig.tiny();
    private static final TopicSet TOPICS = TopicSet.defaults();

    private final SwappableModel model = new SwappableModel(DualEncoder.initial(CONFIG, 42));
    private TopologyTestDriver driver;

    @AfterEach
    void tearDown() {
        if (driver != null) {
            driver.close();
        }
        model.close();
    }

    /** The live topology on the test driver, batches of {@code batchSize}. */
    private final class Live {
        final EncoderMetrics metrics = new EncoderMetrics(new SimpleMeterRegistry());
        final TestInputTopic<String, ContentEvent> content;
        final TestInputTopic<String, byte[]> raw;
        final TestOutputTopic<String, Embedding> images;
        final TestOutputTopic<String, Embedding> texts;
        final TestOutputTopic<String, ObjectTags> tags;
        final TestOutputTopic<byte[], byte[]> dlq;

        Live(int batchSize) {
            Map<String, Object> serdeConfig = Map.of("schema.registry.url", "mock://deletes-" + UUID.randomUUID());
            EncoderTopology.Settings settings = new EncoderTopology.Settings("vilstream-dual", batchSize, 60_000,
                    ContentValidator.Limits.defaults(), CONFIG.imageSize(), 3, 0f, EncodeOptions.live());
            Properties p = new Properties();
            p.put(StreamsConfig.APPLICATION_ID_CONFIG, "deletes-test");
            p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
            p.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/deletes-test-" + UUID.randomUUID());
            driver = new TopologyTestDriver(EncoderTopology.build(TOPICS, serdeConfig, settings, model, null, metrics), p);
            content = driver.createInputTopic(TOPICS.name(VilstreamTopic.CONTENT), Serdes.String().serializer(),
                    AvroSerde.forValues(ContentEvent.class, serdeConfig).serializer());
            raw = driver.createInputTopic(TOPICS.name(VilstreamTopic.CONTENT), Serdes.String().serializer(),
                    Serdes.ByteArray().serializer());
            AvroSerde<Embedding> emb = AvroSerde.forValues(Embedding.class, serdeConfig);
            images = driver.createOutputTopic(TOPICS.name(VilstreamTopic.EMBEDDINGS_IMAGE), Serdes.String().deserializer(),
                    emb.deserializer());
            texts = driver.createOutputTopic(TOPICS.name(VilstreamTopic.EMBEDDINGS_TEXT), Serdes.String().deserializer(),
                    emb.deserializer());
            tags = driver.createOutputTopic(TOPICS.name(VilstreamTopic.TAGS), Serdes.String().deserializer(),
                    AvroSerde.forValues(ObjectTags.class, serdeConfig).deserializer());
            dlq = driver.createOutputTopic(TOPICS.name(VilstreamTopic.CONTENT_DLQ), Serdes.ByteArray().deserializer(),
                    Serdes.ByteArray().deserializer());
        }

        void send(ContentEvent e) {
            content.pipeInput(e.getId(), e);
        }

        void delete(String id) {
            raw.pipeInput(id, (byte[]) null);
        }

        int buffered() {
            KeyValueStore<String, BufferEntry> store = driver.getKeyValueStore(EncoderTopology.BUFFER_STORE);
            int n = 0;
            try (var it = store.all()) {
                while (it.hasNext()) {
                    it.next();
                    n++;
                }
            }
            return n;
        }
    }

    /** "id" for a record, "id:deleted" for a tombstone. */
    private static <V> List<String> keys(TestOutputTopic<String, V> topic) {
        return topic.readKeyValuesToList().stream().map((KeyValue<String, V> kv) -> kv.key + (kv.value == null ? ":deleted" : ""))
                .toList();
    }

    @Test
    void aTombstoneBecomesTombstonesOnTheEmbeddingAndTagTopicsAndNotADlqRecord() {
        Live live = new Live(2);
        List<ContentEvent> events = ContentFixtures.many(2);
        events.forEach(live::send);
        String a = events.get(0).getId();
        String b = events.get(1).getId();

        live.delete(a);

        assertThat(keys(live.images)).containsExactly(a, b, a + ":deleted");
        assertThat(keys(live.texts)).containsExactly(a, b, a + ":deleted");
        assertThat(keys(live.tags)).containsExactly(a, b, a + ":deleted");
        assertThat(live.dlq.isEmpty()).as("a delete is not bad input").isTrue();
        assertThat(live.metrics.dlqCount("NULL_VALUE")).isZero();
        assertThat(live.metrics.deleteCount()).isEqualTo(1.0);
    }

    @Test
    void aDeletedIdsBufferedRecordNeverComesOut() {
        Live live = new Live(4);
        List<ContentEvent> events = ContentFixtures.many(5);
        String a = events.get(0).getId();
        live.send(events.get(0));
        live.send(events.get(1)); // both buffered: the batch holds 2 of 4
        assertThat(live.images.isEmpty()).isTrue();

        live.delete(a);
        events.subList(2, 5).forEach(live::send); // fills the batch: b, c, d, e

        List<String> image = keys(live.images);
        assertThat(image).containsExactly(a + ":deleted", events.get(1).getId(), events.get(2).getId(),
                events.get(3).getId(), events.get(4).getId());
        assertThat(keys(live.texts)).containsExactlyElementsOf(image);
        assertThat(live.buffered()).as("the deleted record left the buffer unencoded").isZero();
        assertThat(live.dlq.isEmpty()).isTrue();
    }

    @Test
    void contentSentAgainAfterItsDeleteIsEmbeddedAgain() {
        Live live = new Live(1);
        ContentEvent e = ContentFixtures.many(1).get(0);
        live.send(e);
        live.delete(e.getId());
        live.send(e);
        assertThat(keys(live.images)).containsExactly(e.getId(), e.getId() + ":deleted", e.getId());
    }

    @Test
    void aTombstoneWithoutAKeyGoesToTheDlqAsNullValue() {
        Live live = new Live(1);
        live.raw.pipeInput((String) null, (byte[]) null);
        assertThat(live.dlq.readRecordsToList()).hasSize(1);
        assertThat(live.metrics.dlqCount("NULL_VALUE")).isEqualTo(1.0);
        assertThat(live.images.isEmpty()).isTrue();
    }

    @Test
    void aRecordBeingEncodedWhenItsIdIsDeletedIsDroppedWhenItsBatchComesBack() {
        ProcessorHarness.HeldTowers towers = new ProcessorHarness.HeldTowers();
        ProcessorHarness h = new ProcessorHarness(model, 2, 50, EncodeOptions.live(), 2, towers);
        List<ContentEvent> events = ContentFixtures.many(2);
        String a = events.get(0).getId();
        String b = events.get(1).getId();
        h.init();
        events.forEach(h::send);
        assertThat(towers.started()).as("a and b are being encoded").isEqualTo(1);

        h.sendTombstone(a, 5_000);
        assertThat(h.forwardedTo(EncoderTopology.SINK_IMAGE)).containsExactly(a + ":deleted");

        towers.run(0);
        h.tick(20); // the batch comes back
        assertThat(h.forwardedTo(EncoderTopology.SINK_IMAGE)).containsExactly(a + ":deleted", b);
        assertThat(h.forwardedTo(EncoderTopology.SINK_TEXT)).containsExactly(a + ":deleted", b);
        assertThat(h.buffered()).isZero();
    }

    @Test
    void aBackfillDoesNotEmbedContentOlderThanADeletionOnTheEmbeddingTopic() {
        ProcessorHarness h = new ProcessorHarness(model, 1, 50, EncodeOptions.backfill(), 1, Runnable::run);
        List<ContentEvent> events = ContentFixtures.many(2);
        String a = events.get(0).getId();
        String b = events.get(1).getId();
        h.embeddedVersions.put(a, EmbeddedState.deleted(2_000)); // the live encoder deleted a at 2,000
        h.init();

        h.send(events.get(0), 1_000); // a's content from before the delete, re-read by the backfill
        h.send(events.get(1), 1_000);
        h.sendTombstone(a, 2_000); // the delete itself, re-read

        assertThat(h.forwardedTo(EncoderTopology.SINK_IMAGE)).containsExactly(b, a + ":deleted");
        assertThat(h.forwardedTo(EncoderTopology.SINK_TAGS)).containsExactly(b, a + ":deleted");
    }

    @Test
    void aBackfillReReadingAnOldDeleteKeepsAnItemCreatedAgainSince() {
        ProcessorHarness h = new ProcessorHarness(model, 1, 50, EncodeOptions.backfill(), 1, Runnable::run);
        String a = ContentFixtures.many(1).get(0).getId();
        h.embeddedVersions.put(a, new EmbeddedState(0, 3_000)); // created again at 3,000, embedded by the live encoder
        h.init();

        h.sendTombstone(a, 2_000);

        assertThat(h.forwardedTo(EncoderTopology.SINK_IMAGE)).isEmpty();
    }
}
