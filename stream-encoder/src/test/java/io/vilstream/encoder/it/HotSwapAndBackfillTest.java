package io.vilstream.encoder.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.vilstream.encoder.ContentFixtures;
import io.vilstream.encoder.EncoderService;
import io.vilstream.encoder.config.EncoderConfig;
import io.vilstream.model.config.ModelConfig;
import io.vilstream.model.tagger.TagVocabulary;
import io.vilstream.model.towers.DualEncoder;
import io.vilstream.modelstore.CheckpointPublisher;
import io.vilstream.modelstore.ModelStoreTopics;
import io.vilstream.schemas.avro.ContentEvent;
import io.vilstream.schemas.avro.Embedding;
import io.vilstream.schemas.avro.ModelStatus;
import io.vilstream.schemas.avro.ModelVersion;
import io.vilstream.schemas.serde.AvroSerde;
import io.vilstream.schemas.topics.VilstreamTopic;
import io.vilstream.testkit.VilstreamCluster;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a real broker: the encoder starts on the seeded version 0, follows a promotion published
 * on the model topics (swapping without a restart), backfills every earlier content item with
 * the new version, encodes new content with it, and refuses a corrupt checkpoint while it keeps
 * serving.
 */
class HotSwapAndBackfillTest {

    @RegisterExtension
    static final VilstreamCluster CLUSTER = new VilstreamCluster(2);

    @Test
    void promotionSwapsTheModelBackfillsOldContentAndACorruptVersionIsRefused(@TempDir Path dir) throws Exception {
        Map<String, Object> props = new HashMap<>(Map.of(
                "bootstrap.servers", CLUSTER.bootstrapServers(),
                "schema.registry.url", CLUSTER.registryUrl(),
                "model.preset", "tiny",
                "metrics.port", "0",
                "encoder.batch.size", "8",
                "encoder.state.dir", dir.toString(),
                "encoder.backfill.grace.ms", "4000"));
        List<ContentEvent> first = ContentFixtures.fixture();
        Map<String, Set<Long>> versionsById = new ConcurrentHashMap<>();
        countsByIdAndVersion.clear();
        try (EncoderService encoder = EncoderService.start(new EncoderConfig(props));
             Reader reader = new Reader(versionsById)) {
            assertThat(encoder.modelVersion()).isZero();
            produce(first);
            await().atMost(Duration.ofMinutes(2)).until(() -> covered(versionsById, first, 0L));

            byte[] v1;
            try (DualEncoder trained = DualEncoder.create(ModelConfig.tiny(), new TagVocabulary(List.of("cat", "face")), 99)) {
                v1 = trained.toCheckpoint(1, 0L, 100);
            }
            publish(1, v1);
            await().atMost(Duration.ofMinutes(1)).until(() -> encoder.modelVersion() == 1);
            // new content after the swap is encoded with version 1 straight away, before the
            // backfill (4 s grace) fixes its target: the backfill must not embed it again
            List<ContentEvent> later = ContentFixtures.many(5).stream()
                    .map(e -> ContentEvent.newBuilder(e).setId("later-" + e.getId()).build()).toList();
            produce(later);
            await().atMost(Duration.ofMinutes(1)).until(() -> covered(versionsById, later, 1L));
            assertThat(later).allSatisfy(e -> assertThat(versionsById.get(e.getId())).containsOnly(1L));

            // the backfill re-embeds everything published before the promotion with version 1
            await().atMost(Duration.ofMinutes(2)).until(() -> covered(versionsById, first, 1L));
            await().atMost(Duration.ofMinutes(1)).until(() -> encoder.backfillVersion() == -1);
            Thread.sleep(2000); // let late duplicates, if any, arrive
            assertThat(countsByIdAndVersion).as("one image embedding per (content, version)")
                    .allSatisfy((key, n) -> assertThat(n).as(key).isEqualTo(1));
            assertThat(countsByIdAndVersion).hasSize(first.size() * 2 + later.size());

            // a corrupt checkpoint (its chunks match their sha256, but the content is damaged)
            byte[] corrupt = v1.clone();
            corrupt[corrupt.length / 2] ^= 0x33;
            double failuresBefore = failures(encoder);
            publish(2, corrupt);
            await().atMost(Duration.ofMinutes(1)).until(() -> failures(encoder) > failuresBefore);
            assertThat(encoder.modelVersion()).isEqualTo(1);
        }
    }

    private static final Map<String, Integer> countsByIdAndVersion = new ConcurrentHashMap<>();

    private static double failures(EncoderService encoder) {
        var c = encoder.registry().find("vilstream.encoder.model.load.failures").tag("pipeline", "live").counter();
        return c == null ? 0 : c.count();
    }

    private static boolean covered(Map<String, Set<Long>> versionsById, List<ContentEvent> events, long version) {
        return events.stream().allMatch(e -> versionsById.getOrDefault(e.getId(), Set.of()).contains(version));
    }

    private static void publish(long version, byte[] checkpoint) {
        ModelVersion record = CheckpointPublisher.describe("vilstream-dual", version, checkpoint)
                .setStatus(ModelStatus.PROMOTED).setTrainingStep(version * 100).build();
        try (CheckpointPublisher p = new CheckpointPublisher(CLUSTER.settings(), ModelStoreTopics.defaults(), "test-trainer")) {
            p.publish(record, checkpoint, List.of(), List.of(), Map.of(), null);
        }
    }

    private static void produce(List<ContentEvent> events) {
        try (KafkaProducer<String, ContentEvent> p = new KafkaProducer<>(CLUSTER.settings().common(), new StringSerializer(),
                AvroSerde.forValues(ContentEvent.class, CLUSTER.settings().serdeConfig()).serializer())) {
            for (ContentEvent e : events) {
                p.send(new ProducerRecord<>(CLUSTER.topics().name(VilstreamTopic.CONTENT), e.getId(), e));
            }
        }
    }

    /** Collects, per content id, the model versions of its image embeddings (read_committed). */
    private static final class Reader implements AutoCloseable {
        private final Thread thread;
        private volatile boolean running = true;

        Reader(Map<String, Set<Long>> versionsById) {
            Map<String, Object> p = CLUSTER.settings().common();
            p.put(ConsumerConfig.GROUP_ID_CONFIG, "swap-reader");
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            thread = new Thread(() -> {
                try (KafkaConsumer<String, Embedding> c = new KafkaConsumer<>(p, new StringDeserializer(),
                        AvroSerde.forValues(Embedding.class, CLUSTER.settings().serdeConfig()).deserializer())) {
                    c.subscribe(List.of(CLUSTER.topics().name(VilstreamTopic.EMBEDDINGS_IMAGE)));
                    while (running) {
                        for (ConsumerRecord<String, Embedding> r : c.poll(Duration.ofMillis(200))) {
                            versionsById.computeIfAbsent(r.key(), k -> ConcurrentHashMap.newKeySet()).add(r.value().getModelVersion());
                            countsByIdAndVersion.merge(r.key() + "@" + r.value().getModelVersion(), 1, Integer::sum);
                        }
                    }
                }
            });
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(30_000);
        }
    }
}
