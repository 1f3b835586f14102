package io.vilstream.schemas.registry.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vilstream.embedded.EmbeddedKafkaExtension;
import io.vilstream.schemas.registry.HttpSchemaRegistryClient;
import io.vilstream.schemas.registry.SchemaRegistryClient;
import io.vilstream.schemas.testing.RegistryHttp;
import io.vilstream.schemas.testing.RegistryHttp.Response;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Confluent's subject and version deletion on the embedded registry over HTTP: soft deletes hide,
 * {@code ?deleted=true} shows, ids of soft-deleted versions stay resolvable, permanent deletes
 * need a soft one first, Confluent's error codes, and a restarted registry agrees.
 */
class SubjectDeletionTest {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    static final String V1 = EmbeddedSchemaRegistryTest.ID_ONLY;
    static final String V2 = EmbeddedSchemaRegistryTest.NAME_WITH_DEFAULT;
    static final String V3 = EmbeddedSchemaRegistryTest.record("Item", "{\"name\":\"id\",\"type\":\"string\"}",
            "{\"name\":\"name\",\"type\":\"string\",\"default\":\"?\"}", "{\"name\":\"n\",\"type\":\"int\",\"default\":0}");

    static EmbeddedSchemaRegistry registry;
    static RegistryHttp http;

    @BeforeAll
    static void startRegistry() {
        registry = start("_deletion_schemas");
        http = new RegistryHttp(registry.url());
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void softDeletingASubjectHidesItReturnsItsVersionsAndKeepsItsIdsResolvable() {
        int id1 = register("soft-value", V1);
        register("soft-value", V2);
        http.put("/config/soft-value", "{\"compatibility\":\"FULL\"}");

        Response deleted = delete("/subjects/soft-value");
        assertThat(deleted.status()).as(deleted.text()).isEqualTo(200);
        assertThat(deleted.text()).isEqualTo("[1,2]");

        assertThat(http.get("/subjects").json().findValuesAsText("")).doesNotContain("soft-value");
        assertThat(http.get("/subjects").text()).doesNotContain("\"soft-value\"");
        assertThat(http.get("/subjects?deleted=true").text()).contains("\"soft-value\"");
        assertError(http.get("/subjects/soft-value/versions"), 40401);
        assertThat(http.get("/subjects/soft-value/versions?deleted=true").text()).isEqualTo("[1,2]");
        assertError(http.get("/subjects/soft-value/versions/1"), 40401);
        assertError(http.get("/subjects/soft-value/versions/latest"), 40401);
        Response old = http.get("/subjects/soft-value/versions/1?deleted=true");
        assertThat(old.status()).isEqualTo(200);
        assertThat(old.json().get("id").asInt()).isEqualTo(id1);
        assertThat(http.get("/subjects/soft-value/versions/latest?deleted=true").json().get("version").asInt()).isEqualTo(2);
        assertError(http.post("/subjects/soft-value", RegistryHttp.schemaBody(V1)), 40401);
        assertThat(http.post("/subjects/soft-value?deleted=true", RegistryHttp.schemaBody(V1)).json().get("id").asInt())
                .isEqualTo(id1);
        // Confluent keeps the ids: bytes written with them still decode
        assertThat(http.get("/schemas/ids/" + id1).status()).isEqualTo(200);
        // and drops the subject's own level with the subject
        assertError(http.get("/config/soft-value"), 40408);

        assertError(delete("/subjects/soft-value"), 40404);
        assertError(delete("/subjects/no-such-subject"), 40401);
    }

    @Test
    void aSchemaRegisteredAgainAfterASoftDeleteKeepsItsIdUnderANewVersion() {
        int id = register("again-value", V1);
        assertThat(delete("/subjects/again-value").text()).isEqualTo("[1]");
        assertThat(register("again-value", V1)).isEqualTo(id);
        assertThat(http.get("/subjects/again-value/versions").text()).isEqualTo("[2]");
        assertThat(http.get("/subjects/again-value/versions?deleted=true").text()).isEqualTo("[1,2]");
    }

    @Test
    void deletingOneVersionHidesOnlyItAndLatestMovesBack() {
        register("one-value", V1);
        register("one-value", V2);
        register("one-value", V3);

        assertThat(delete("/subjects/one-value/versions/2").text()).isEqualTo("2");
        assertThat(http.get("/subjects/one-value/versions").text()).isEqualTo("[1,3]");
        assertError(http.get("/subjects/one-value/versions/2"), 40402);
        assertThat(http.get("/subjects/one-value/versions/2?deleted=true").status()).isEqualTo(200);
        assertError(delete("/subjects/one-value/versions/2"), 40406);

        assertThat(delete("/subjects/one-value/versions/latest").text()).isEqualTo("3");
        assertThat(http.get("/subjects/one-value/versions/latest").json().get("version").asInt()).isEqualTo(1);
        // a deleted version is not checked against: V3 is BACKWARD-compatible with V1 again
        assertThat(http.get("/subjects/one-value/versions?deleted=true").text()).isEqualTo("[1,2,3]");

        assertError(delete("/subjects/one-value/versions/9"), 40402);
        assertError(delete("/subjects/one-value/versions/abc"), 42202);
        assertError(delete("/subjects/nobody-value/versions/1"), 40401);
    }

    @Test
    void permanentDeletesNeedASoftDeleteFirstAndThenRemoveTheVersionForGood() {
        // schemas of their own: a schema another subject holds keeps its id
        String v1 = V1.replace("\"Item\"", "\"Hard\"");
        String v2 = V2.replace("\"Item\"", "\"Hard\"");
        int id1 = register("hard-value", v1);
        int id2 = register("hard-value", v2);

        assertError(delete("/subjects/hard-value/versions/2?permanent=true"), 40407);
        assertError(delete("/subjects/hard-value?permanent=true"), 40405);

        assertThat(delete("/subjects/hard-value/versions/2").text()).isEqualTo("2");
        assertThat(delete("/subjects/hard-value/versions/2?permanent=true").text()).isEqualTo("2");
        assertError(http.get("/subjects/hard-value/versions/2?deleted=true"), 40402);
        assertThat(http.get("/subjects/hard-value/versions?deleted=true").text()).isEqualTo("[1]");
        // no version holds id2 any more: gone, and never given to another schema
        assertError(http.get("/schemas/ids/" + id2), 40403);

        assertThat(delete("/subjects/hard-value").text()).isEqualTo("[1]");
        assertThat(http.get("/schemas/ids/" + id1).status()).isEqualTo(200);
        assertThat(delete("/subjects/hard-value?permanent=true").text()).isEqualTo("[1]");
        assertThat(http.get("/subjects?deleted=true").text()).doesNotContain("\"hard-value\"");
        assertError(http.get("/subjects/hard-value/versions?deleted=true"), 40401);
        assertError(delete("/subjects/hard-value?permanent=true"), 40401);

        // the subject starts again at version 1, as in Confluent's registry, with a new id
        int again = register("hard-value", v2);
        assertThat(again).isNotIn(id1, id2);
        assertThat(http.get("/subjects/hard-value/versions").text()).isEqualTo("[1]");
    }

    @Test
    void theJavaClientDeletesAndRegistersAgainPastItsCache() {
        Schema schema = new Schema.Parser().parse(V1);
        try (SchemaRegistryClient client = HttpSchemaRegistryClient.of(registry.url())) {
            int id = client.register("client-value", schema);
            assertThat(client.deleteSubject("client-value", false)).containsExactly(1);
            assertThat(client.subjects()).doesNotContain("client-value");
            // the cached id must not stand in for a registration: the subject has to hold the schema again
            assertThat(client.register("client-value", schema)).isEqualTo(id);
            assertThat(client.versions("client-value")).containsExactly(2);
            assertThat(client.deleteVersion("client-value", 2, false)).isEqualTo(2);
            assertThat(client.deleteSubject("client-value", true)).containsExactly(1, 2);
            assertThat(client.schemaById(id)).isEqualTo(schema); // cached: ids are never reused
        }
    }

    @Test
    void aRestartedRegistryAgreesOnDeletions() {
        String topic = "_deletion_restart";
        int kept;
        int gone;
        try (EmbeddedSchemaRegistry first = start(topic)) {
            RegistryHttp a = new RegistryHttp(first.url());
            // a topic of its own: no other subject holds these schemas
            kept = a.post("/subjects/r-value/versions", RegistryHttp.schemaBody(V1)).json().get("id").asInt();
            gone = a.post("/subjects/r-value/versions", RegistryHttp.schemaBody(V2)).json().get("id").asInt();
            a.post("/subjects/r-value/versions", RegistryHttp.schemaBody(V3));
            a.post("/subjects/s-value/versions", RegistryHttp.schemaBody(V1));
            assertThat(a.call("DELETE", "/subjects/r-value/versions/2", null, null).status()).isEqualTo(200);
            assertThat(a.call("DELETE", "/subjects/r-value/versions/2?permanent=true", null, null).status()).isEqualTo(200);
            assertThat(a.call("DELETE", "/subjects/r-value/versions/3", null, null).status()).isEqualTo(200);
            assertThat(a.call("DELETE", "/subjects/s-value", null, null).status()).isEqualTo(200);
        }
        try (EmbeddedSchemaRegistry restarted = start(topic)) {
            RegistryHttp b = new RegistryHttp(restarted.url());
            assertThat(b.get("/subjects").text()).isEqualTo("[\"r-value\"]");
            assertThat(b.get("/subjects?deleted=true").text()).isEqualTo("[\"r-value\",\"s-value\"]");
            assertThat(b.get("/subjects/r-value/versions").text()).isEqualTo("[1]");
            assertThat(b.get("/subjects/r-value/versions?deleted=true").text()).isEqualTo("[1,3]");
            assertThat(b.get("/schemas/ids/" + kept).status()).isEqualTo(200);
            assertError(b.get("/schemas/ids/" + gone), 40403);
            // the permanently deleted id stays retired after the replay too
            int next = b.post("/subjects/r-value/versions", RegistryHttp.schemaBody(V2)).json().get("id").asInt();
            assertThat(next).isNotEqualTo(gone);
            assertThat(b.get("/subjects/r-value/versions").text()).isEqualTo("[1,4]");
        }
    }

    private static int register(String subject, String schema) {
        Response r = http.post("/subjects/" + subject + "/versions", RegistryHttp.schemaBody(schema));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json().get("id").asInt();
    }

    private static Response delete(String path) {
        return http.call("DELETE", path, null, null);
    }

    private static EmbeddedSchemaRegistry start(String topic) {
        return EmbeddedSchemaRegistry.builder().bootstrapServers(KAFKA.bootstrapServers()).topic(topic).build().start();
    }

    private static void assertError(Response r, int code) {
        assertThat(r.status()).as(r.text()).isEqualTo(code == 42202 ? 422 : 404);
        assertThat(r.errorCode()).as(r.text()).isEqualTo(code);
        assertThat(r.json().path("message").asText()).as(r.text()).isNotBlank();
    }
}
