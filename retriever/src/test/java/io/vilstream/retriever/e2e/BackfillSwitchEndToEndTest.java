package io.vilstream.retriever.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import io.vilstream.datasets.EmojiDataset;
import io.vilstream.datasets.events.ContentEvents;
import io.vilstream.datasets.item.EmojiItem;
import io.vilstream.encoder.EncoderService;
import io.vilstream.encoder.config.EncoderConfig;
import io.vilstream.model.config.ModelConfig;
import io.vilstream.model.tagger.TagVocabulary;
import io.vilstream.model.towers.DualEncoder;
import io.vilstream.modelstore.CheckpointPublisher;
import io.vilstream.modelstore.ModelStoreTopics;
import io.vilstream.retriever.RetrieverConfig;
import io.vilstream.retriever.RetrieverService;
import io.vilstream.retriever.testing.Http;
import io.vilstream.schemas.avro.ContentEvent;
import io.vilstream.schemas.avro.ModelStatus;
import io.vilstream.schemas.avro.ModelVersion;
import io.vilstream.schemas.serde.AvroSerde;
import io.vilstream.schemas.topics.VilstreamTopic;
import io.vilstream.testkit.VilstreamCluster;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path on a real broker, encoder and retriever together: content is embedded with
 * version 0 and served; a promotion of version 1 makes the encoder swap and backfill; while the
 * backfill runs, every query is answered by version 0 only; once version 1 covers all content,
 * every query is answered by version 1 only, and never by a mix or back and forth.
 */
class BackfillSwitchEndToEndTest {

    @RegisterExtension
    static final VilstreamCluster CLUSTER = new VilstreamCluster(2);

    @Test
    void queriesDuringABackfillUseTheOldVersionOnlyAndTheNewOneOnlyAfterItCoversEverything(@TempDir Path dir) throws Exception {
        Map<String, Object> common = new HashMap<>(Map.of(
                "bootstrap.servers", CLUSTER.bootstrapServers(),
                "schema.registry.url", CLUSTER.registryUrl(),
                "model.preset", "tiny",
                "metrics.port", "0"));
        Map<String, Object> encoderProps = new HashMap<>(common);
        encoderProps.put(EncoderConfig.STATE_DIR, dir.toString());
        encoderProps.put(EncoderConfig.BATCH_SIZE, "4");
        encoderProps.put(EncoderConfig.BACKFILL_GRACE_MS, "1000");
        List<EmojiItem> items = EmojiDataset.fixture().items();

        try (EncoderService encoder = EncoderService.start(new EncoderConfig(encoderProps));
             RetrieverService retriever = RetrieverService.start(new RetrieverConfig(common))) {
            Http http = new Http(retriever.url());
            produce(items);
            await().atMost(Duration.ofMinutes(2)).until(() -> servedItems(http, 0) == items.size());

            List<long[]> answers = new CopyOnWriteArrayList<>(); // {answer version, hits}
            java.util.concurrent.atomic.AtomicBoolean querying = new java.util.concurrent.atomic.AtomicBoolean(true);
            Thread querier = new Thread(() -> {
                while (querying.get()) {
                    JsonNode a = http.get("/v1/search?text=cat&k=5").json();
                    answers.add(new long[] {a.get("version").asLong(), a.get("results").size()});
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            querier.start();
            try {
                publishVersionOne();
                await().atMost(Duration.ofMinutes(2)).until(() -> encoder.modelVersion() == 1);
                await().atMost(Duration.ofMinutes(3)).until(() -> servedItems(http, 1) == items.size());
                Thread.sleep(1000);
            } finally {
                querying.set(false);
                querier.join();
            }

            List<Long> versions = new ArrayList<>();
            answers.forEach(a -> versions.add(a[0]));
            assertThat(versions).as("answers before and after the switch").contains(0L, 1L).containsOnly(0L, 1L);
            int firstV1 = versions.indexOf(1L);
            assertThat(versions.subList(0, firstV1)).as("until the switch: version 0 only").containsOnly(0L);
            assertThat(versions.subList(firstV1, versions.size())).as("after the switch: version 1 only").containsOnly(1L);
            assertThat(answers).allSatisfy(a -> assertThat(a[1]).as("full answers").isEqualTo(5));
            // the switch came only when version 1 held every item
            JsonNode status = http.get("/v1/status").json();
            assertThat(status.get("served").get("version").asLong()).isEqualTo(1);
            assertThat(status.get("served").get("items").asInt()).isEqualTo(items.size());
            // everything was read: the embedding reader's lag, as /metrics serves it, is 0
            await().atMost(Duration.ofSeconds(30)).until(() -> java.util.Arrays.stream(http.get("/metrics").text().split("\n"))
                    .anyMatch(l -> l.startsWith("vilstream_retriever_ingest_lag{") && l.endsWith("} 0.0")));
        }
    }

    /** Items of the served index when it is {@code version}, else -1. */
    private static int servedItems(Http http, long version) {
        JsonNode served = http.get("/v1/status").json().get("served");
        return served == null || served.isNull() || served.get("version").asLong() != version ? -1 : served.get("items").asInt();
    }

    private static void publishVersionOne() {
        byte[] checkpoint;
        try (DualEncoder trained = DualEncoder.create(ModelConfig.tiny(), new TagVocabulary(List.of("face", "heart")), 5)) {
            checkpoint = trained.toCheckpoint(1, 0L, 10);
        }
        ModelVersion record = CheckpointPublisher.describe("vilstream-dual", 1, checkpoint)
                .setStatus(ModelStatus.PROMOTED).setTrainingStep(10).build();
        try (CheckpointPublisher p = new CheckpointPublisher(CLUSTER.settings(), ModelStoreTopics.defaults(), "e2e")) {
            p.publish(record, checkpoint, List.of(), List.of(), Map.of(), null);
        }
    }

    private static void produce(List<EmojiItem> items) {
        try (KafkaProducer<String, ContentEvent> p = new KafkaProducer<>(CLUSTER.settings().common(), new StringSerializer(),
                AvroSerde.forValues(ContentEvent.class, CLUSTER.settings().serdeConfig()).serializer())) {
            for (EmojiItem item : items) {
                ContentEvent e = ContentEvents.from(item, Instant.now());
                p.send(new ProducerRecord<>(CLUSTER.topics().name(VilstreamTopic.CONTENT), e.getId(), e));
            }
        }
    }
}
