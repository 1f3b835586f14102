package io.vilstream.schemas.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vilstream.embedded.EmbeddedKafkaExtension;
import io.vilstream.schemas.avro.ContentEvent;
import io.vilstream.schemas.contract.AvroContracts;
import io.vilstream.schemas.registry.server.EmbeddedSchemaRegistry;
import io.vilstream.schemas.serde.AvroSerde;
import io.vilstream.schemas.serde.AvroSerdeConfig;
import io.vilstream.schemas.testing.RegistryHttp;
import io.vilstream.schemas.testing.SampleRecords;
import io.vilstream.schemas.testing.Schemas;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interop with Confluent's own JavaScript client, the npm package {@code @confluentinc/schemaregistry}
 * (pinned in src/test/node beside the kafkajs one, installed by Maven's {@code npm ci}): it
 * registers on the embedded registry, fetches by id, serializes what the Java deserializer reads,
 * deserializes what the Java serializer writes, and soft- then permanently deletes a subject.
 * Skipped where {@code node} is missing.
 */
class ConfluentJsInteropTest {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    static final ObjectMapper JSON = new ObjectMapper();

    static EmbeddedSchemaRegistry registry;
    static String node;

    @TempDir
    Path work;

    @BeforeAll
    static void startRegistry() {
        node = NodeInteropTest.executableOnPath("node");
        assumeTrue(node != null, "node is not on the PATH: skipping the interop check");
        assertThat(NodeInteropTest.NODE_PROJECT.resolve("node_modules/@confluentinc/schemaregistry")).as(
                "the interop client is not installed: run 'mvn generate-test-resources -pl schemas' or 'npm ci' in "
                        + NodeInteropTest.NODE_PROJECT).isDirectory();
        registry = EmbeddedSchemaRegistry.builder().bootstrapServers(KAFKA.bootstrapServers()).build().start();
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void bytesSerializedByConfluentsClientDeserializeInJavaWithTheSameId() throws Exception {
        ContentEvent event = SampleRecords.contentEvent("1f600");
        String topic = "confluent-js.content";
        Path schemaFile = write("schema.avsc", AvroContracts.schemaOf(ContentEvent.class).toString());
        Path valueFile = write("value.json", JSON.writeValueAsString(NodeInteropTest.render(event)));
        Path out = work.resolve("from-confluent-js.bin");

        int jsId = JSON.readTree(runNode("encode", registry.url(), topic, schemaFile.toString(), valueFile.toString(),
                out.toString())).get("id").asInt();
        byte[] bytes = Files.readAllBytes(out);
        assertThat(bytes[0]).isZero();
        assertThat(Schemas.idOf(bytes)).isEqualTo(jsId);

        try (AvroSerde<ContentEvent> serde = AvroSerde.forValues(ContentEvent.class, serdeConfig())) {
            assertThat(serde.deserializer().deserialize(topic, bytes)).isEqualTo(event);
            // both clients register the same .avsc text: one id
            assertThat(Schemas.idOf(serde.serializer().serialize(topic, event))).isEqualTo(jsId);
        }
        JsonNode fetched = JSON.readTree(runNode("fetch", registry.url(), topic + "-value", Integer.toString(jsId)));
        assertThat(new Schema.Parser().parse(fetched.get("schema").asText()))
                .isEqualTo(AvroContracts.schemaOf(ContentEvent.class));
    }

    @Test
    void bytesWrittenByTheJavaSerializerDeserializeInConfluentsClient() throws Exception {
        ContentEvent event = SampleRecords.contentEvent("1f603");
        String topic = "confluent-js.java";
        byte[] bytes;
        try (AvroSerde<ContentEvent> serde = AvroSerde.forValues(ContentEvent.class, serdeConfig())) {
            bytes = serde.serializer().serialize(topic, event);
        }
        Path in = work.resolve("from-java.bin");
        Files.write(in, bytes);

        JsonNode decoded = JSON.readTree(runNode("decode", registry.url(), topic, in.toString()));
        assertThat(decoded).isEqualTo(JSON.readTree(JSON.writeValueAsString(NodeInteropTest.render(event))));
    }

    @Test
    void confluentsClientSoftThenPermanentlyDeletesASubject() throws Exception {
        String subject = "confluent-js.deleted-value";
        RegistryHttp http = new RegistryHttp(registry.url());
        String schema = "{\"type\":\"record\",\"name\":\"Gone\",\"namespace\":\"interop\","
                + "\"fields\":[{\"name\":\"id\",\"type\":\"string\"}]}";
        int id = http.post("/subjects/" + subject + "/versions", RegistryHttp.schemaBody(schema)).json().get("id").asInt();

        assertThat(JSON.readTree(runNode("delete", registry.url(), subject, "false")).get("versions").toString())
                .isEqualTo("[1]");
        assertThat(http.get("/subjects").text()).doesNotContain(subject);
        assertThat(http.get("/schemas/ids/" + id).status()).isEqualTo(200);

        assertThat(JSON.readTree(runNode("delete", registry.url(), subject, "true")).get("versions").toString())
                .isEqualTo("[1]");
        assertThat(http.get("/subjects?deleted=true").text()).doesNotContain(subject);
    }

    private Map<String, Object> serdeConfig() {
        return Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry.url());
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(work.resolve(name), text, StandardCharsets.UTF_8);
    }

    private String runNode(String... args) throws Exception {
        return NodeScript.run(node, "confluent-interop.mjs", work, args);
    }
}
