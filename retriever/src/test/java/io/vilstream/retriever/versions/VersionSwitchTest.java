package io.vilstream.retriever.versions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import io.vilstream.datasets.item.EmojiItem;
import io.vilstream.model.config.ModelConfig;
import io.vilstream.model.towers.DualEncoder;
import io.vilstream.modelstore.ModelAdmin;
import io.vilstream.modelstore.ModelStore;
import io.vilstream.modelstore.ModelStoreTopics;
import io.vilstream.retriever.RetrieverConfig;
import io.vilstream.retriever.RetrieverService;
import io.vilstream.retriever.testing.FixtureEmbeddings;
import io.vilstream.retriever.testing.FixtureEmbeddings.Encoded;
import io.vilstream.retriever.testing.Http;
import io.vilstream.retriever.testing.ModelVersions;
import io.vilstream.testkit.VilstreamCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The version switch on a real broker, with this test playing the encoder and the backfill:
 * version 0 (rebuilt from the seed) is served; version 1 is promoted and its embeddings arrive
 * in two halves — the retriever keeps answering with version 0 until version 1 covers every
 * item of version 0, then switches; every answer meanwhile comes from one version (its scores
 * are that version's towers against that version's vectors). Then version 2 is promoted and
 * rolled back (the retriever returns to version 1 at once), and a restart rebuilds everything
 * from the topics and serves the promoted version.
 */
class VersionSwitchTest {

    @RegisterExtension
    static final VilstreamCluster CLUSTER = new VilstreamCluster();

    static final String MODEL = ModelConfig.DEFAULT_NAME;
    static final String QUERY = "grinning cat";
    static final Duration PATIENCE = Duration.ofMinutes(2);

    static List<EmojiItem> items;
    static final Map<Long, DualEncoder> models = new HashMap<>();
    static final Map<Long, Map<String, float[]>> imageVectors = new HashMap<>();
    static final Map<Long, List<Encoded>> encoded = new HashMap<>();

    @BeforeAll
    static void encodeTheFixtureWithThreeVersions() {
        items = FixtureEmbeddings.items();
        models.put(0L, DualEncoder.initial(ModelConfig.defaults(), 42)); // what the retriever rebuilds from model.seed
        models.put(1L, DualEncoder.initial(ModelConfig.tiny(), 7));
        models.put(2L, DualEncoder.initial(ModelConfig.tiny(), 8));
        models.forEach((v, m) -> {
            List<Encoded> e = FixtureEmbeddings.encode(m, items);
            encoded.put(v, e);
            Map<String, float[]> byId = new HashMap<>();
            e.forEach(x -> byId.put(x.id(), x.image()));
            imageVectors.put(v, byId);
        });
    }

    @AfterAll
    static void free() {
        models.values().forEach(DualEncoder::close);
    }

    static RetrieverConfig config() {
        // ranked by cosine alone, so a hit's score identifies the version whose vectors produced it
        return new RetrieverConfig(Map.of("bootstrap.servers", CLUSTER.bootstrapServers(),
                "schema.registry.url", CLUSTER.registryUrl(), "metrics.port", "0", RetrieverConfig.HUBNESS_K, "0"));
    }

    @Test
    void servesTheOldVersionUntilTheNewOneCoversItSwitchesAtomicallyAndFollowsARollback() throws Exception {
        try (FixtureEmbeddings.Producer producer = new FixtureEmbeddings.Producer(CLUSTER.settings(), CLUSTER.topics())) {
            producer.content(items);
            producer.both(encoded.get(0L), MODEL, 0);

            RetrieverService service = RetrieverService.start(config());
            try {
                Http http = new Http(service.url());
                await().atMost(PATIENCE).untilAsserted(() -> {
                    JsonNode s = http.get("/v1/status").json();
                    assertThat(s.path("served").path("version").asLong(-1)).isZero();
                    assertThat(s.path("served").path("items").asInt()).isEqualTo(items.size());
                });
                assertThat(http.get("/health").status()).isEqualTo(200);

                List<Answer> answers = new CopyOnWriteArrayList<>(); // the client thread adds while the test streams over it
                AtomicBoolean querying = new AtomicBoolean(true);
                Thread client = new Thread(() -> {
                    while (querying.get()) {
                        answers.add(Answer.of(http.get("/v1/search?text=grinning%20cat&k=5").json()));
                    }
                }, "test-client");
                client.start();

                // version 1 is promoted; the backfill has re-embedded half the items (one only its image)
                ModelVersions.promote(CLUSTER.settings(), models.get(1L), 1, 0L);
                List<Encoded> v1 = encoded.get(1L);
                int half = items.size() / 2;
                producer.both(v1.subList(0, half), MODEL, 1);
                producer.image(v1.get(half), MODEL, 1);
                await().atMost(PATIENCE).untilAsserted(() -> {
                    JsonNode s = http.get("/v1/status").json();
                    assertThat(s.path("target").asLong()).isEqualTo(1);
                    JsonNode building = version(s, 1);
                    assertThat(building.path("items").asInt()).isEqualTo(half);
                    assertThat(building.path("pending_images").asInt()).isEqualTo(1);
                    assertThat(s.path("decision").asText()).contains("does not cover");
                });
                JsonNode during = http.get("/v1/status").json();
                assertThat(during.path("served").path("version").asLong()).isZero();
                assertThat(version(during, 1).path("coverage").asDouble())
                        .isCloseTo(half / (double) items.size(), org.assertj.core.data.Offset.offset(1e-3));
                assertThat(http.get("/metrics").text()).contains("vilstream_retriever_coverage{", "version=\"1\"");
                int answeredDuringBackfill = answers.size();

                // the backfill completes: the retriever switches to version 1
                producer.text(v1.get(half), MODEL, 1);
                producer.both(v1.subList(half + 1, v1.size()), MODEL, 1);
                await().atMost(PATIENCE).untilAsserted(() ->
                        assertThat(http.get("/v1/status").json().path("served").path("version").asLong()).isEqualTo(1));
                await().atMost(PATIENCE).until(() -> answers.stream().filter(a -> a.version == 1).count() >= 3);
                querying.set(false);
                client.join();

                assertThat(answeredDuringBackfill).as("queries answered while version 1 was being built").isPositive();
                assertEveryAnswerComesFromOneVersion(answers);
                List<Long> sequence = answers.stream().map(a -> a.version).toList();
                int firstNew = sequence.indexOf(1L);
                assertThat(sequence.subList(0, firstNew)).as("before the switch").containsOnly(0L);
                assertThat(sequence.subList(firstNew, sequence.size())).as("after the switch").containsOnly(1L);
                JsonNode promotion = http.get("/v1/status").json().path("switches").path("recent").get(0);
                assertThat(promotion.path("kind").asText()).isEqualTo("promotion");
                assertThat(promotion.path("from").asLong()).isZero();
                assertThat(promotion.path("items").asInt()).isEqualTo(items.size());
                assertThat(http.get("/metrics").text()).contains("vilstream_retriever_served_version", 
                        "vilstream_retriever_switches_total{kind=\"promotion\"");

                // version 2 is promoted and fully embedded at once, then rolled back to 1
                ModelVersions.promote(CLUSTER.settings(), models.get(2L), 2, 1L);
                producer.both(encoded.get(2L), MODEL, 2);
                await().atMost(PATIENCE).untilAsserted(() ->
                        assertThat(http.get("/v1/status").json().path("served").path("version").asLong()).isEqualTo(2));
                new ModelAdmin(CLUSTER.settings(), new ModelStore(CLUSTER.settings(), ModelStoreTopics.defaults()))
                        .rollback(MODEL, 1, "test rollback", Duration.ofSeconds(60));
                await().atMost(PATIENCE).untilAsserted(() -> {
                    JsonNode s = http.get("/v1/status").json();
                    assertThat(s.path("served").path("version").asLong()).isEqualTo(1);
                    assertThat(s.path("switches").path("recent").get(0).path("kind").asText()).isEqualTo("rollback");
                });
                Answer afterRollback = Answer.of(http.get("/v1/search?text=grinning%20cat&k=5").json());
                assertThat(afterRollback.version).isEqualTo(1);
                assertEveryAnswerComesFromOneVersion(List.of(afterRollback));
            } finally {
                service.close();
            }
        }

        // a restart rebuilds every index from the topics and serves the promoted version
        try (RetrieverService restarted = RetrieverService.start(config())) {
            Http http = new Http(restarted.url());
            await().atMost(PATIENCE).untilAsserted(() -> {
                JsonNode s = http.get("/v1/status").json();
                assertThat(s.path("served").path("version").asLong(-1)).isEqualTo(1);
                assertThat(s.path("served").path("items").asInt()).isEqualTo(items.size());
                assertThat(s.path("switches").path("recent").get(0).path("kind").asText()).isEqualTo("startup");
            });
            assertThat(http.get("/v1/items/" + items.get(0).id()).json().path("name").asText()).isEqualTo(items.get(0).name());
        }
    }

    static JsonNode version(JsonNode status, long v) {
        for (JsonNode n : status.path("versions")) {
            if (n.path("version").asLong() == v) {
                return n;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    /** Each hit's score is its version's text tower on the query against that version's image vector. */
    static void assertEveryAnswerComesFromOneVersion(List<Answer> answers) {
        Map<Long, float[]> queries = new HashMap<>();
        models.forEach((v, m) -> queries.put(v, m.encodeTexts(List.of(QUERY))[0]));
        assertThat(answers).isNotEmpty();
        for (Answer a : answers) {
            assertThat(a.hits).isNotEmpty();
            for (Map.Entry<String, Float> hit : a.hits.entrySet()) {
                float[] vector = imageVectors.get(a.version).get(hit.getKey());
                assertThat(vector).as("item %s in version %d", hit.getKey(), a.version).isNotNull();
                float expected = dot(queries.get(a.version), vector);
                assertThat(hit.getValue()).as("score of %s in an answer of version %d", hit.getKey(), a.version)
                        .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-4f));
            }
        }
    }

    static float dot(float[] a, float[] b) {
        float s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    record Answer(long version, Map<String, Float> hits) {
        static Answer of(JsonNode body) {
            Map<String, Float> hits = new java.util.LinkedHashMap<>();
            body.path("results").forEach(r -> hits.put(r.path("id").asText(), (float) r.path("score").asDouble()));
            return new Answer(body.path("version").asLong(), hits);
        }
    }
}
