package io.vilstream.schemas.registry.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vilstream.embedded.EmbeddedKafkaExtension;
import io.vilstream.schemas.avro.ContentEvent;
import io.vilstream.schemas.contract.AvroContracts;
import io.vilstream.schemas.registry.CompatibilityLevel;
import io.vilstream.schemas.registry.HttpSchemaRegistryClient;
import io.vilstream.schemas.registry.SchemaRegistryClient;
import io.vilstream.schemas.serde.AvroSerde;
import io.vilstream.schemas.serde.AvroSerdeConfig;
import io.vilstream.schemas.testing.RegistryHttp;
import io.vilstream.schemas.testing.RegistryHttp.Response;
import io.vilstream.schemas.testing.SampleRecords;
import io.vilstream.schemas.testing.Schemas;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The embedded registry on a real broker: the REST API, its error codes, compatibility, and Kafka storage. */
class EmbeddedSchemaRegistryTest {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    static final String ID_ONLY = record("Item", "{\"name\":\"id\",\"type\":\"string\"}");
    static final String NAME_WITH_DEFAULT = record("Item", "{\"name\":\"id\",\"type\":\"string\"}",
            "{\"name\":\"name\",\"type\":\"string\",\"default\":\"?\"}");
    static final String NAME_REQUIRED = record("Item", "{\"name\":\"id\",\"type\":\"string\"}",
            "{\"name\":\"name\",\"type\":\"string\"}");
    static final String ID_AS_INT = record("Item", "{\"name\":\"id\",\"type\":\"int\"}");
    static final String CONTENT_EVENT = AvroContracts.schemaOf(ContentEvent.class).toString();

    static EmbeddedSchemaRegistry registry;
    static RegistryHttp http;

    static String record(String name, String... fields) {
        return "{\"type\":\"record\",\"name\":\"" + name + "\",\"namespace\":\"test\",\"fields\":["
                + String.join(",", fields) + "]}";
    }

    @BeforeAll
    static void startRegistry() {
        registry = EmbeddedSchemaRegistry.builder().bootstrapServers(KAFKA.bootstrapServers()).build().start();
        http = new RegistryHttp(registry.url());
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void bindsTheLoopbackAddressOnARandomPort() {
        assertThat(registry.url()).startsWith("http://127.0.0.1:");
        assertThat(registry.port()).isPositive();
    }

    @Test
    void storesItsStateInACompactedSinglePartitionTopicOfItsOwnNotConfluents() throws Exception {
        assertThat(registry.topic()).isEqualTo("_vilstream_schemas");
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            assertThat(admin.listTopics().names().get()).doesNotContain("_schemas");
            var description = admin.describeTopics(List.of(registry.topic())).allTopicNames().get().get(registry.topic());
            assertThat(description.partitions()).hasSize(1);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, registry.topic());
            assertThat(admin.describeConfigs(List.of(resource)).all().get().get(resource).get("cleanup.policy").value())
                    .isEqualTo("compact");
        }
    }

    @Test
    void refusesASchemaTopicThatIsNotCompacted() throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(List.of(new NewTopic("_schemas_deleting", 1, (short) 1)
                    .configs(Map.of("cleanup.policy", "delete")))).all().get();
        }
        assertThatThrownBy(() -> start("_schemas_deleting"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("_schemas_deleting").hasMessageContaining("compact");
    }

    @Test
    void registersLooksUpAndServesSchemasWithConfluentShapes() throws Exception {
        Response registered = http.post("/subjects/rest-value/versions", RegistryHttp.schemaBody(CONTENT_EVENT));
        assertThat(registered.status()).isEqualTo(200);
        assertThat(registered.contentType()).isEqualTo("application/vnd.schemaregistry.v1+json");
        int id = registered.json().get("id").asInt();
        assertThat(registered.json().size()).isEqualTo(1);

        // idempotent for an identical schema, whatever its formatting
        Response again = http.post("/subjects/rest-value/versions",
                RegistryHttp.schemaBody(new ObjectMapper().readTree(CONTENT_EVENT).toPrettyString()));
        assertThat(again.json().get("id").asInt()).isEqualTo(id);

        Response lookup = http.post("/subjects/rest-value", RegistryHttp.schemaBody(CONTENT_EVENT));
        assertThat(lookup.status()).isEqualTo(200);
        assertThat(lookup.json().get("subject").asText()).isEqualTo("rest-value");
        assertThat(lookup.json().get("version").asInt()).isEqualTo(1);
        assertThat(lookup.json().get("id").asInt()).isEqualTo(id);
        assertThat(new Schema.Parser().parse(lookup.json().get("schema").asText()).toString()).isEqualTo(CONTENT_EVENT);

        Response byId = http.get("/schemas/ids/" + id);
        assertThat(byId.status()).isEqualTo(200);
        assertThat(byId.json().get("schema").asText()).isEqualTo(CONTENT_EVENT);

        assertThat(http.get("/subjects").json()).extracting(n -> n.toString()).asString().contains("\"rest-value\"");
        assertThat(http.get("/subjects/rest-value/versions").text()).isEqualTo("[1]");
        for (String v : List.of("1", "latest", "-1")) {
            Response version = http.get("/subjects/rest-value/versions/" + v);
            assertThat(version.status()).as(v).isEqualTo(200);
            assertThat(version.json().get("id").asInt()).isEqualTo(id);
            assertThat(version.json().get("version").asInt()).isEqualTo(1);
            assertThat(version.json().get("subject").asText()).isEqualTo("rest-value");
        }
        Response raw = http.get("/subjects/rest-value/versions/latest/schema");
        assertThat(new Schema.Parser().parse(raw.text()).toString()).isEqualTo(CONTENT_EVENT);
        assertThat(http.get("/schemas/types").text()).isEqualTo("[\"AVRO\"]");
        assertThat(http.get("/").text()).isEqualTo("{}");
    }

    @Test
    void answersErrorsWithConfluentsStatusesAndCodes() {
        http.post("/subjects/errors-value/versions", RegistryHttp.schemaBody(ID_ONLY));

        assertError(http.get("/subjects/no-such-subject/versions"), 404, 40401);
        assertError(http.get("/subjects/no-such-subject/versions/latest"), 404, 40401);
        assertError(http.get("/subjects/errors-value/versions/9"), 404, 40402);
        assertError(http.get("/schemas/ids/424242"), 404, 40403);
        assertError(http.get("/schemas/ids/not-a-number"), 404, 40403);
        assertError(http.post("/subjects/errors-value", RegistryHttp.schemaBody(NAME_REQUIRED)), 404, 40403);
        assertError(http.post("/subjects/no-such-subject", RegistryHttp.schemaBody(ID_ONLY)), 404, 40401);
        assertError(http.get("/subjects/errors-value/versions/abc"), 422, 42202);
        assertError(http.get("/subjects/errors-value/versions/0"), 422, 42202);
        assertError(http.put("/config/errors-value", "{\"compatibility\":\"SIDEWAYS\"}"), 422, 42203);
        assertError(http.put("/config", "{}"), 422, 42203);
        assertError(http.get("/config/errors-value"), 404, 40408);
        assertError(http.get("/no/such/path"), 404, 404);
        assertError(http.call("DELETE", "/subjects", null, null), 405, 405);
        assertError(http.call("PATCH", "/config", "{}", null), 405, 405);
    }

    @Test
    void rejectsInvalidSchemasAndMalformedJsonWithoutHanging() {
        assertError(http.post("/subjects/invalid-value/versions", RegistryHttp.schemaBody("{\"type\":\"record\",\"name\":\"X\"}")),
                422, 42201);
        assertError(http.post("/subjects/invalid-value/versions", RegistryHttp.schemaBody("{not avro")), 422, 42201);
        assertError(http.post("/subjects/invalid-value/versions", "{\"schema\": 5}"), 422, 42201);
        assertError(http.post("/subjects/invalid-value/versions", "{\"schema\": \"\\\"string\\\"\", \"schemaType\":\"PROTOBUF\"}"),
                422, 42201);
        assertError(http.post("/subjects/invalid-value/versions", "{{{"), 400, 400);
        assertError(http.post("/subjects/invalid-value/versions", "[1,2]"), 400, 400);
        assertError(http.post("/subjects/invalid-value/versions", ""), 400, 400);
        assertError(http.post("/subjects/invalid-value/versions", "{\"schema\":\"" + "x".repeat(9 * 1024 * 1024) + "\"}"),
                413, 413);
        assertError(http.get("/subjects/invalid-value/versions"), 404, 40401);
        Response message = http.post("/subjects/invalid-value/versions", RegistryHttp.schemaBody("{not avro"));
        assertThat(message.json().get("message").asText()).startsWith("Invalid schema");
    }

    @Test
    void answersInTheJsonTypeTheClientAccepts() {
        http.post("/subjects/types-value/versions", RegistryHttp.schemaBody(ID_ONLY));
        assertThat(http.call("GET", "/subjects/types-value/versions", null, "application/json").contentType())
                .isEqualTo("application/json");
        assertThat(http.call("GET", "/subjects/types-value/versions", null, "application/vnd.schemaregistry+json").contentType())
                .isEqualTo("application/vnd.schemaregistry+json");
        assertThat(http.call("GET", "/subjects/types-value/versions", null, "*/*").contentType())
                .isEqualTo("application/vnd.schemaregistry.v1+json");
        for (String type : List.of("application/json", "application/vnd.schemaregistry+json",
                "application/vnd.schemaregistry.v1+json; charset=utf-8")) {
            Response r = http.call("POST", "/subjects/types-value", RegistryHttp.schemaBody(ID_ONLY), null, type);
            assertThat(r.status()).as(type).isEqualTo(200);
        }
    }

    @Test
    void backwardRejectsANewFieldWithoutDefaultWith409AndTheReason() {
        int v1 = http.post("/subjects/evolve-value/versions", RegistryHttp.schemaBody(ID_ONLY)).json().get("id").asInt();

        Response incompatible = http.post("/subjects/evolve-value/versions", RegistryHttp.schemaBody(NAME_REQUIRED));
        assertError(incompatible, 409, 409);
        assertThat(incompatible.json().get("message").asText())
                .contains("incompatible").contains("READER_FIELD_MISSING_DEFAULT_VALUE").contains("name");

        Response check = http.post("/compatibility/subjects/evolve-value/versions/latest?verbose=true",
                RegistryHttp.schemaBody(NAME_REQUIRED));
        assertThat(check.status()).isEqualTo(200);
        assertThat(check.json().get("is_compatible").asBoolean()).isFalse();
        assertThat(check.json().get("messages").toString()).contains("READER_FIELD_MISSING_DEFAULT_VALUE");
        Response quiet = http.post("/compatibility/subjects/evolve-value/versions/latest", RegistryHttp.schemaBody(NAME_REQUIRED));
        assertThat(quiet.json().has("messages")).isFalse();
        assertThat(http.post("/compatibility/subjects/evolve-value/versions/1", RegistryHttp.schemaBody(NAME_WITH_DEFAULT))
                .json().get("is_compatible").asBoolean()).isTrue();

        Response compatible = http.post("/subjects/evolve-value/versions", RegistryHttp.schemaBody(NAME_WITH_DEFAULT));
        assertThat(compatible.status()).isEqualTo(200);
        assertThat(compatible.json().get("id").asInt()).isNotEqualTo(v1);
        assertThat(http.get("/subjects/evolve-value/versions").text()).isEqualTo("[1,2]");
    }

    static Stream<Arguments> levels() {
        return Stream.of(
                Arguments.of(CompatibilityLevel.NONE, List.of(ID_ONLY, ID_AS_INT), true),
                Arguments.of(CompatibilityLevel.BACKWARD, List.of(ID_ONLY, NAME_REQUIRED), false),
                Arguments.of(CompatibilityLevel.BACKWARD, List.of(ID_ONLY, NAME_WITH_DEFAULT, NAME_REQUIRED), true),
                Arguments.of(CompatibilityLevel.BACKWARD_TRANSITIVE, List.of(ID_ONLY, NAME_WITH_DEFAULT, NAME_REQUIRED), false),
                Arguments.of(CompatibilityLevel.FORWARD, List.of(ID_ONLY, NAME_REQUIRED), true),
                Arguments.of(CompatibilityLevel.FORWARD, List.of(NAME_REQUIRED, ID_ONLY), false),
                Arguments.of(CompatibilityLevel.FORWARD, List.of(NAME_REQUIRED, NAME_WITH_DEFAULT, ID_ONLY), true),
                Arguments.of(CompatibilityLevel.FORWARD_TRANSITIVE, List.of(NAME_REQUIRED, NAME_WITH_DEFAULT, ID_ONLY), false),
                Arguments.of(CompatibilityLevel.FULL, List.of(ID_ONLY, NAME_REQUIRED), false),
                Arguments.of(CompatibilityLevel.FULL, List.of(ID_ONLY, NAME_WITH_DEFAULT), true),
                Arguments.of(CompatibilityLevel.FULL, List.of(ID_ONLY, NAME_WITH_DEFAULT, NAME_REQUIRED), true),
                Arguments.of(CompatibilityLevel.FULL_TRANSITIVE, List.of(ID_ONLY, NAME_WITH_DEFAULT, NAME_REQUIRED), false));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("levels")
    void enforcesEachCompatibilityLevel(CompatibilityLevel level, List<String> history, boolean lastAccepted) {
        String subject = "level-" + level + "-" + System.nanoTime();
        Response set = http.put("/config/" + subject, "{\"compatibility\":\"" + level + "\"}");
        assertThat(set.json().get("compatibility").asText()).isEqualTo(level.name());
        assertThat(http.get("/config/" + subject).json().get("compatibilityLevel").asText()).isEqualTo(level.name());
        for (int i = 0; i < history.size() - 1; i++) {
            assertThat(http.post("/subjects/" + subject + "/versions", RegistryHttp.schemaBody(history.get(i))).status())
                    .isEqualTo(200);
        }
        Response last = http.post("/subjects/" + subject + "/versions", RegistryHttp.schemaBody(history.get(history.size() - 1)));
        assertThat(last.status()).as(last.text()).isEqualTo(lastAccepted ? 200 : 409);
    }

    @Test
    void globalLevelAppliesToSubjectsWithoutTheirOwn() {
        try {
            assertThat(http.put("/config", "{\"compatibility\":\"NONE\"}").status()).isEqualTo(200);
            assertThat(http.get("/config").json().get("compatibilityLevel").asText()).isEqualTo("NONE");
            assertThat(http.get("/config/global-value?defaultToGlobal=true").json().get("compatibilityLevel").asText())
                    .isEqualTo("NONE");
            http.post("/subjects/global-value/versions", RegistryHttp.schemaBody(ID_ONLY));
            assertThat(http.post("/subjects/global-value/versions", RegistryHttp.schemaBody(ID_AS_INT)).status()).isEqualTo(200);
        } finally {
            http.put("/config", "{\"compatibility\":\"BACKWARD\"}");
        }
        assertThat(http.get("/config").json().get("compatibilityLevel").asText()).isEqualTo("BACKWARD");
    }

    @Test
    void idsSurviveARestartAndAnotherInstanceAnswersTheSame() {
        String topic = "_schemas_restart";
        Map<Integer, String> byId = new HashMap<>();
        try (EmbeddedSchemaRegistry first = start(topic)) {
            RegistryHttp a = new RegistryHttp(first.url());
            for (String schema : List.of(ID_ONLY, NAME_WITH_DEFAULT, NAME_REQUIRED)) {
                int id = a.post("/subjects/restart-value/versions", RegistryHttp.schemaBody(schema)).json().get("id").asInt();
                byId.put(id, new Schema.Parser().parse(schema).toString());
            }
            int contentId = a.post("/subjects/restart-content-value/versions", RegistryHttp.schemaBody(CONTENT_EVENT))
                    .json().get("id").asInt();
            byId.put(contentId, CONTENT_EVENT);
            assertThat(byId).hasSize(4);
            a.put("/config/restart-value", "{\"compatibility\":\"FULL\"}");
        }
        try (EmbeddedSchemaRegistry restarted = start(topic); EmbeddedSchemaRegistry second = start(topic)) {
            for (EmbeddedSchemaRegistry instance : List.of(restarted, second)) {
                RegistryHttp b = new RegistryHttp(instance.url());
                byId.forEach((id, schema) -> assertThat(b.get("/schemas/ids/" + id).json().get("schema").asText())
                        .isEqualTo(schema));
                assertThat(b.get("/subjects/restart-value/versions").text()).isEqualTo("[1,2,3]");
                assertThat(b.get("/config/restart-value").json().get("compatibilityLevel").asText()).isEqualTo("FULL");
            }
            // a write on one instance shows up on the other
            RegistryHttp b = new RegistryHttp(restarted.url());
            RegistryHttp c = new RegistryHttp(second.url());
            int id = b.post("/subjects/other-value/versions", RegistryHttp.schemaBody(ID_AS_INT)).json().get("id").asInt();
            assertThat(byId).doesNotContainKey(id);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(c.get("/schemas/ids/" + id).status()).isEqualTo(200));
            assertThat(c.post("/subjects/other-value/versions", RegistryHttp.schemaBody(ID_AS_INT)).json().get("id").asInt())
                    .isEqualTo(id);
        }
    }

    @Test
    void concurrentRegistrationsOnTwoInstancesGetDistinctIdsAndAgree() throws Exception {
        String topic = "_schemas_race";
        try (EmbeddedSchemaRegistry one = start(topic); EmbeddedSchemaRegistry two = start(topic)) {
            SchemaRegistryClient a = HttpSchemaRegistryClient.of(one.url());
            SchemaRegistryClient b = HttpSchemaRegistryClient.of(two.url());
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<Map<Integer, Schema>>> futures = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    SchemaRegistryClient client = t % 2 == 0 ? a : b;
                    int thread = t;
                    futures.add(pool.submit((Callable<Map<Integer, Schema>>) () -> {
                        Map<Integer, Schema> mine = new HashMap<>();
                        for (int i = 0; i < 6; i++) {
                            // one record type growing a defaulted field: every step is BACKWARD-compatible
                            Schema schema = new Schema.Parser().parse(record("Raced", "{\"name\":\"id\",\"type\":\"string\"}",
                                    "{\"name\":\"f" + thread + "x" + i + "\",\"type\":\"string\",\"default\":\"\"}"));
                            // all threads write to one subject too: versions must stay a single line
                            mine.put(client.register("race-" + thread + "-value", schema), schema);
                            client.register("race-shared-value", schema);
                        }
                        return mine;
                    }));
                }
                Map<Integer, Schema> all = new HashMap<>();
                for (Future<Map<Integer, Schema>> f : futures) {
                    Map<Integer, Schema> mine = f.get();
                    assertThat(mine).hasSize(6);
                    mine.keySet().forEach(id -> assertThat(all).doesNotContainKey(id));
                    all.putAll(mine);
                }
                assertThat(all).hasSize(24);
                RegistryHttp viewOne = new RegistryHttp(one.url());
                RegistryHttp viewTwo = new RegistryHttp(two.url());
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    for (Map.Entry<Integer, Schema> e : all.entrySet()) {
                        assertThat(viewOne.get("/schemas/ids/" + e.getKey()).json().path("schema").asText())
                                .isEqualTo(e.getValue().toString());
                        assertThat(viewTwo.get("/schemas/ids/" + e.getKey()).json().path("schema").asText())
                                .isEqualTo(e.getValue().toString());
                    }
                    assertThat(viewTwo.get("/subjects/race-shared-value/versions").text())
                            .isEqualTo(viewOne.get("/subjects/race-shared-value/versions").text());
                });
                Set<Integer> sharedIds = new HashSet<>();
                for (int v = 1; v <= 24; v++) {
                    Response version = viewOne.get("/subjects/race-shared-value/versions/" + v);
                    assertThat(version.status()).isEqualTo(200);
                    sharedIds.add(version.json().get("id").asInt());
                }
                assertThat(sharedIds).isEqualTo(all.keySet());
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void theSerdeWorksAgainstItOverHttp() {
        Map<String, Object> config = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry.url());
        try (AvroSerde<ContentEvent> serde = AvroSerde.forValues(ContentEvent.class, config)) {
            ContentEvent event = SampleRecords.contentEvent("1f600");
            byte[] bytes = serde.serializer().serialize("serde-topic", event);
            assertThat(serde.deserializer().deserialize("serde-topic", bytes)).isEqualTo(event);
            assertThat(http.get("/schemas/ids/" + Schemas.idOf(bytes)).json().get("schema").asText())
                    .isEqualTo(CONTENT_EVENT).doesNotContain("avro.java.string");
        }
    }

    private static EmbeddedSchemaRegistry start(String topic) {
        return EmbeddedSchemaRegistry.builder().bootstrapServers(KAFKA.bootstrapServers()).topic(topic).build().start();
    }

    private static void assertError(Response r, int status, int code) {
        assertThat(r.status()).as(r.text()).isEqualTo(status);
        assertThat(r.errorCode()).as(r.text()).isEqualTo(code);
        assertThat(r.json().path("message").asText()).as(r.text()).isNotBlank();
    }
}
