package io.vilstream.encoder.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.zip.CRC32;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vilstream.encoder.ContentFixtures;
import io.vilstream.encoder.metrics.EncoderMetrics;
import io.vilstream.encoder.mining.HardNegativeMiner;
import io.vilstream.encoder.models.FollowingModelSource;
import io.vilstream.encoder.models.SwappableModel;
import io.vilstream.model.config.ModelConfig;
import io.vilstream.model.tagger.TagVocabulary;
import io.vilstream.model.towers.DualEncoder;
import io.vilstream.modelstore.CheckpointPublisher;
import io.vilstream.modelstore.LoadBackoff;
import io.vilstream.schemas.avro.ContentEvent;
import io.vilstream.schemas.avro.Embedding;
import io.vilstream.schemas.avro.HardNegatives;
import io.vilstream.schemas.avro.Modality;
import io.vilstream.schemas.avro.ModelStatus;
import io.vilstream.schemas.avro.ModelVersion;
import io.vilstream.schemas.avro.ObjectTags;
import io.vilstream.schemas.serde.AvroSerde;
import io.vilstream.schemas.topics.DlqFailure;
import io.vilstream.schemas.topics.DlqHeaders;
import io.vilstream.schemas.topics.TopicSet;
import io.vilstream.schemas.topics.VilstreamTopic;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every branch of the encoder topology on {@link TopologyTestDriver}: valid records, each kind of
 * bad input to the DLQ with its reason while the stream goes on, flush by size and by time,
 * hot swap between batches, a corrupt checkpoint refused.
 */
class EncoderTopologyTest {

    private static final ModelConfig CONFIG = ModelConfig.tiny();
    private static final TopicSet TOPICS = TopicSet.defaults();

    private Map<String, Object> serdeConfig;
    private SwappableModel model;
    private EncoderMetrics metrics;
    private TopologyTestDriver driver;
    private TestInputTopic<String, ContentEvent> content;
    private TestInputTopic<String, byte[]> raw;
    private TestOutputTopic<String, Embedding> images;
    private TestOutputTopic<String, Embedding> texts;
    private TestOutputTopic<String, ObjectTags> tags;
    private TestOutputTopic<String, HardNegatives> negatives;
    private TestOutputTopic<byte[], byte[]> dlq;

    @BeforeEach
    void setUp() {
        serdeConfig = Map.of("schema.registry.url", "mock://encoder-" + UUID.randomUUID());
        model = new SwappableModel(DualEncoder.initial(CONFIG, 42));
        metrics = new EncoderMetrics(new SimpleMeterRegistry());
        start(4, 60_000);
    }

    private void start(int batchSize, long lingerMs) {
        if (driver != null) {
            driver.close();
        }
        EncoderTopology.Settings settings = new EncoderTopology.Settings("vilstream-dual", batchSize, lingerMs,
                new ContentValidator.Limits(4, 200_000, 1_000_000L, 8, 1000, 16), CONFIG.imageSize(), 3, 0f,
                EncodeOptions.live()); // no tower workers: encoded on the test's thread, outputs appear as each batch is full
        HardNegativeMiner miner = new HardNegativeMiner(64, 2, -1f);
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "encoder-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/encoder-test-" + UUID.randomUUID());
        driver = new TopologyTestDriver(EncoderTopology.build(TOPICS, serdeConfig, settings, model, miner, metrics), p);
        AvroSerde<ContentEvent> contentSerde = AvroSerde.forValues(ContentEvent.class, serdeConfig);
        content = driver.createInputTopic(TOPICS.name(VilstreamTopic.CONTENT), Serdes.String().serializer(), contentSerde.serializer());
        raw = driver.createInputTopic(TOPICS.name(VilstreamTopic.CONTENT), Serdes.String().serializer(), Serdes.ByteArray().serializer());
        AvroSerde<Embedding> emb = AvroSerde.forValues(Embedding.class, serdeConfig);
        images = driver.createOutputTopic(TOPICS.name(VilstreamTopic.EMBEDDINGS_IMAGE), Serdes.String().deserializer(), emb.deserializer());
        texts = driver.createOutputTopic(TOPICS.name(VilstreamTopic.EMBEDDINGS_TEXT), Serdes.String().deserializer(), emb.deserializer());
        tags = driver.createOutputTopic(TOPICS.name(VilstreamTopic.TAGS), Serdes.String().deserializer(),
                AvroSerde.forValues(ObjectTags.class, serdeConfig).deserializer());
        negatives = driver.createOutputTopic(TOPICS.name(VilstreamTopic.HARD_NEGATIVES), Serdes.String().deserializer(),
                AvroSerde.forValues(HardNegatives.class, serdeConfig).deserializer());
        dlq = driver.createOutputTopic(TOPICS.name(VilstreamTopic.CONTENT_DLQ), Serdes.ByteArray().deserializer(),
                Serdes.ByteArray().deserializer());
    }

    @AfterEach
    void tearDown() {
        driver.close();
        model.close();
    }

    private void send(ContentEvent e) {
        content.pipeInput(e.getId(), e);
    }

    @Test
    void validRecordsBecomeOneImageAndOneTextEmbeddingEachPlusTagsAndHardNegatives() {
        List<ContentEvent> events = ContentFixtures.fixture().subList(0, 8);
        events.forEach(this::send);
        List<TestRecord<String, Embedding>> img = images.readRecordsToList();
        List<TestRecord<String, Embedding>> txt = texts.readRecordsToList();
        assertThat(img).extracting(TestRecord::key).containsExactlyElementsOf(events.stream().map(ContentEvent::getId).toList());
        assertThat(txt).extracting(TestRecord::key).containsExactlyElementsOf(events.stream().map(ContentEvent::getId).toList());
        Embedding first = img.get(0).value();
        assertThat(first.getModality()).isEqualTo(Modality.IMAGE);
        assertThat(first.getView()).isEqualTo("image");
        assertThat(first.getModelName()).isEqualTo("vilstream-dual");
        assertThat(first.getModelVersion()).isZero();
        assertThat(first.getDimension()).isEqualTo(CONFIG.embeddingDim()).isEqualTo(first.getVector().size());
        assertThat(first.getEventTime()).isEqualTo(events.get(0).getEventTime());
        assertThat(txt.get(0).value().getView()).isEqualTo("caption");
        assertThat(txt.get(0).value().getModality()).isEqualTo(Modality.TEXT);
        double norm = first.getVector().stream().mapToDouble(v -> v * v).sum();
        assertThat(norm).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-4));
        assertThat(tags.readRecordsToList()).hasSize(8);
        List<HardNegatives> hn = negatives.readValuesToList();
        assertThat(hn).hasSize(8).allSatisfy(h -> {
            assertThat(h.getNegatives()).hasSize(2).noneMatch(n -> n.getContentId().equals(h.getAnchorId()));
            assertThat(h.getModelVersion()).isZero();
        });
        assertThat(dlq.isEmpty()).isTrue();
    }

    @Test
    void aBatchIsEncodedWhenFullAndNotBefore() {
        List<ContentEvent> events = ContentFixtures.fixture().subList(0, 4);
        events.subList(0, 3).forEach(this::send);
        assertThat(images.isEmpty()).as("3 of 4 buffered").isTrue();
        send(events.get(3));
        assertThat(images.readRecordsToList()).hasSize(4);
    }

    @Test
    void aPartialBatchIsEncodedWhenTheLingerTimeHasPassed() {
        start(32, 50);
        ContentFixtures.fixture().subList(0, 2).forEach(this::send);
        assertThat(images.isEmpty()).isTrue();
        driver.advanceWallClockTime(Duration.ofMillis(60));
        assertThat(images.readRecordsToList()).hasSize(2);
        assertThat(texts.readRecordsToList()).hasSize(2);
    }

    @Test
    void lingerIsTheOldestRecordsWaitNotAFixedTick() {
        start(32, 50);
        driver.advanceWallClockTime(Duration.ofMillis(40));
        List<ContentEvent> events = ContentFixtures.fixture().subList(0, 2);
        send(events.get(0)); // buffered at t = 40
        driver.advanceWallClockTime(Duration.ofMillis(30)); // t = 70: waited 30 ms, a fixed 50-ms tick would have flushed it
        assertThat(images.isEmpty()).isTrue();
        send(events.get(1));
        driver.advanceWallClockTime(Duration.ofMillis(25)); // t = 95: the first has waited 55 ms
        assertThat(images.readRecordsToList()).extracting(r -> r.key())
                .containsExactly(events.get(0).getId(), events.get(1).getId());
    }

    @Test
    void eachKindOfBadInputGoesToTheDlqWithItsReasonAndTheStreamContinues() throws Exception {
        start(1, 60_000);
        ContentEvent good = ContentFixtures.fixture().get(0);
        byte[] validBytes = AvroSerde.forValues(ContentEvent.class, serdeConfig).serializer().serialize(
                TOPICS.name(VilstreamTopic.CONTENT), good);
        String marker = "QQQQ";
        byte[] withMarker = AvroSerde.forValues(ContentEvent.class, serdeConfig).serializer().serialize(
                TOPICS.name(VilstreamTopic.CONTENT), ContentFixtures.withCaption(good, "cat " + marker));
        byte[] invalidUtf8 = replace(withMarker, marker.getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xC3, 0x28, (byte) 0xFF, (byte) 0xFE});
        byte[] png = good.getImages().get(0).getData().array();
        byte[] truncatedPng = Arrays.copyOf(png, png.length / 3);

        record Case(String name, Runnable send, String reason) {
        }
        List<Case> cases = List.of(
                new Case("bytes that are not an image", () -> send(ContentFixtures.withImage(good, "definitely not a PNG".getBytes())), "NOT_AN_IMAGE"),
                new Case("a truncated PNG", () -> send(ContentFixtures.withImage(good, truncatedPng)), "UNDECODABLE_IMAGE"),
                new Case("a 50,000×50,000 PNG header", () -> send(ContentFixtures.withImage(good, pngHeader(50_000, 50_000))), "IMAGE_TOO_MANY_PIXELS"),
                new Case("a payload over the size limit", () -> send(ContentFixtures.withImage(good, new byte[300_000])), "IMAGE_TOO_LARGE"),
                new Case("an empty caption list", () -> send(ContentEvent.newBuilder(good).setCaptions(List.of()).build()), "NO_CAPTION"),
                new Case("a 100,000-character caption", () -> send(ContentFixtures.withCaption(good, "x".repeat(100_000))), "CAPTION_TOO_LONG"),
                new Case("invalid UTF-8", () -> raw.pipeInput(good.getId(), invalidUtf8), "INVALID_UTF8"),
                new Case("an unknown schema id", () -> raw.pipeInput(good.getId(), withSchemaId(validBytes, 99_999)), "UNKNOWN_SCHEMA_ID"),
                new Case("a wrong magic byte", () -> {
                    byte[] b = validBytes.clone();
                    b[0] = 7;
                    raw.pipeInput(good.getId(), b);
                }, "UNKNOWN_MAGIC_BYTE"),
                new Case("a null value without a key", () -> raw.pipeInput((String) null, (byte[]) null), "NULL_VALUE"));

        for (Case c : cases) {
            c.send().run();
            List<TestRecord<byte[], byte[]>> out = dlq.readRecordsToList();
            assertThat(out).as(c.name()).hasSize(1);
            DlqFailure failure = DlqHeaders.read(out.get(0).headers()).orElseThrow();
            assertThat(failure.errorMessage()).as(c.name()).startsWith(c.reason());
            assertThat(failure.sourceTopic()).isEqualTo(TOPICS.name(VilstreamTopic.CONTENT));
            assertThat(failure.sourceOffset()).isNotNegative();
            assertThat(metrics.dlqCount(c.reason())).as(c.name()).isEqualTo(1.0);
            assertThat(images.isEmpty()).as("%s never reaches the outputs", c.name()).isTrue();
            // the stream goes on: the next valid record is encoded
            send(good);
            assertThat(images.readRecordsToList()).as("after %s", c.name()).hasSize(1);
            texts.readRecordsToList();
        }
        // the bad bytes are kept as they were
        raw.pipeInput("k", invalidUtf8);
        assertThat(dlq.readRecordsToList().get(0).value()).isEqualTo(invalidUtf8);
    }

    @Test
    void anEmptyContentIdGoesToTheDlqWithItsReason() {
        start(1, 60_000);
        ContentEvent good = ContentFixtures.fixture().get(0);
        ContentEvent emptyId = ContentEvent.newBuilder(good).setId("").build();
        ContentEvent blankId = ContentEvent.newBuilder(good).setId(" \t").build();
        content.pipeInput("", emptyId); // what the fuzzer sent: key and id both empty, so they match
        content.pipeInput(null, emptyId);
        content.pipeInput(" \t", blankId);
        List<TestRecord<byte[], byte[]>> out = dlq.readRecordsToList();
        assertThat(out).hasSize(3).allSatisfy(r -> {
            DlqFailure failure = DlqHeaders.read(r.headers()).orElseThrow();
            assertThat(failure.stage()).isEqualTo("validate");
            assertThat(failure.errorMessage()).startsWith("EMPTY_ID");
        });
        assertThat(metrics.dlqCount("EMPTY_ID")).isEqualTo(3.0);
        assertThat(images.isEmpty()).isTrue();
        assertThat(texts.isEmpty()).isTrue();
        send(good);
        assertThat(images.readRecordsToList()).as("the stream goes on").hasSize(1);
    }

    @Test
    void aHotSwapTakesEffectBetweenBatches() throws Exception {
        List<ContentEvent> events = ContentFixtures.fixture().subList(0, 8);
        events.subList(0, 4).forEach(this::send);
        try (DualEncoder trained = DualEncoder.create(CONFIG, new TagVocabulary(List.of("cat", "heart")), 7)) {
            model.swap(DualEncoder.load(trained.toCheckpoint(1, 0L, 10)));
        }
        events.subList(4, 8).forEach(this::send);
        assertThat(images.readValuesToList()).extracting(Embedding::getModelVersion).containsExactly(0L, 0L, 0L, 0L, 1L, 1L, 1L, 1L);
        assertThat(texts.readValuesToList()).extracting(Embedding::getModelVersion).containsExactly(0L, 0L, 0L, 0L, 1L, 1L, 1L, 1L);
    }

    @Test
    void aCorruptCheckpointIsRefusedAndTheCurrentModelKeepsServing() throws Exception {
        byte[] good;
        try (DualEncoder trained = DualEncoder.create(CONFIG, new TagVocabulary(List.of("cat")), 8)) {
            good = trained.toCheckpoint(2, 0L, 20);
        }
        byte[] corrupt = good.clone();
        corrupt[corrupt.length / 2] ^= 0x5A;
        ModelVersion v2 = CheckpointPublisher.describe("vilstream-dual", 2, good).setStatus(ModelStatus.PROMOTED)
                .setTrainingStep(20).build();
        FollowingModelSource.CheckpointFetcher[] fetcher = {v -> corrupt};
        try (FollowingModelSource source = new FollowingModelSource(model, v -> fetcher[0].fetch(v), metrics,
                new LoadBackoff.Policy(Duration.ofMillis(50), Duration.ofMillis(50), 1_000), v -> { })) {
            assertThat(source.load(v2)).isFalse();
            assertThat(metrics.loadFailureCount()).isGreaterThanOrEqualTo(1.0);
            assertThat(model.version()).isZero();
            ContentFixtures.fixture().subList(0, 4).forEach(this::send);
            assertThat(images.readValuesToList()).extracting(Embedding::getModelVersion).containsOnly(0L);

            fetcher[0] = v -> good; // the next attempt of the back-off loads it
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (metrics.swapCount() < 1.0 && System.nanoTime() < deadline) { // counted just after the swap
                Thread.sleep(10);
            }
            assertThat(model.version()).isEqualTo(2);
            assertThat(metrics.swapCount()).isEqualTo(1.0);
        }
    }

    private static byte[] withSchemaId(byte[] bytes, int id) {
        byte[] b = bytes.clone();
        ByteBuffer.wrap(b).put(0, (byte) 0).putInt(1, id);
        return b;
    }

    private static byte[] replace(byte[] haystack, byte[] needle, byte[] with) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(Arrays.copyOfRange(haystack, i, i + needle.length), needle)) {
                byte[] out = haystack.clone();
                System.arraycopy(with, 0, out, i, with.length);
                return out;
            }
        }
        throw new AssertionError("marker not found");
    }

    /** A PNG signature and an IHDR chunk declaring w × h, and nothing else. */
    static byte[] pngHeader(int w, int h) {
        ByteBuffer b = ByteBuffer.allocate(8 + 25);
        b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        b.putInt(13);
        int crcStart = b.position();
        b.put(new byte[] {'I', 'H', 'D', 'R'});
        b.putInt(w).putInt(h).put((byte) 8).put((byte) 6).put((byte) 0).put((byte) 0).put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(b.array(), crcStart, 17);
        b.putInt((int) crc.getValue());
        return b.array();
    }
}
