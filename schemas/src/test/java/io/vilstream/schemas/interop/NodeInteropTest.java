package io.vilstream.schemas.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vilstream.embedded.EmbeddedKafkaExtension;
import io.vilstream.schemas.avro.Caption;
import io.vilstream.schemas.avro.ContentEvent;
import io.vilstream.schemas.avro.ImageRendition;
import io.vilstream.schemas.contract.AvroContracts;
import io.vilstream.schemas.registry.server.EmbeddedSchemaRegistry;
import io.vilstream.schemas.serde.AvroSerde;
import io.vilstream.schemas.serde.AvroSerdeConfig;
import io.vilstream.schemas.testing.RegistryHttp;
import io.vilstream.schemas.testing.SampleRecords;
import io.vilstream.schemas.testing.Schemas;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interop with an independent Confluent-format client, the npm package
 * {@code @kafkajs/confluent-schema-registry} (pinned in src/test/node, installed by Maven's
 * {@code npm ci}): it registers on the embedded registry and encodes what the Java deserializer
 * reads, and it decodes what the Java serializer writes. Skipped where {@code node} is missing.
 */
class NodeInteropTest {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    static final Path NODE_PROJECT = Path.of("src/test/node");
    static final String TOPIC = "interop.content";
    static final ObjectMapper JSON = new ObjectMapper();

    static EmbeddedSchemaRegistry registry;
    static String node;

    @TempDir
    Path work;

    @BeforeAll
    static void startRegistry() {
        node = executableOnPath("node");
        assumeTrue(node != null, "node is not on the PATH: skipping the interop check");
        assertThat(NODE_PROJECT.resolve("node_modules/@kafkajs/confluent-schema-registry")).as(
                "the interop client is not installed: run 'mvn generate-test-resources -pl schemas' or 'npm ci' in "
                        + NODE_PROJECT).isDirectory();
        registry = EmbeddedSchemaRegistry.builder().bootstrapServers(KAFKA.bootstrapServers()).build().start();
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void bytesEncodedByTheNodeClientDecodeInJava() throws Exception {
        ContentEvent event = SampleRecords.contentEvent("1f600");
        Path schemaFile = write("schema.avsc", AvroContracts.schemaOf(ContentEvent.class).toString());
        Path valueFile = write("value.json", JSON.writeValueAsString(render(event)));
        Path out = work.resolve("from-node.bin");

        String answer = runNode("encode", registry.url(), TOPIC + "-value", schemaFile.toString(),
                valueFile.toString(), out.toString());
        int nodeId = JSON.readTree(answer).get("id").asInt();
        byte[] bytes = Files.readAllBytes(out);
        assertThat(bytes[0]).isZero();
        assertThat(Schemas.idOf(bytes)).isEqualTo(nodeId);

        try (AvroSerde<ContentEvent> serde = AvroSerde.forValues(ContentEvent.class, serdeConfig())) {
            assertThat(serde.deserializer().deserialize(TOPIC, bytes)).isEqualTo(event);
            // the same .avsc from Java lands on the same id: both clients register the same text
            assertThat(Schemas.idOf(serde.serializer().serialize(TOPIC, event))).isEqualTo(nodeId);
        }
        // the client set the subject's level with PUT /config/{subject} on its first registration
        RegistryHttp http = new RegistryHttp(registry.url());
        assertThat(http.get("/config/" + TOPIC + "-value").json().path("compatibilityLevel").asText()).isEqualTo("BACKWARD");
    }

    @Test
    void bytesWrittenByTheJavaSerializerDecodeInNode() throws Exception {
        ContentEvent event = SampleRecords.contentEvent("1f603");
        byte[] bytes;
        try (AvroSerde<ContentEvent> serde = AvroSerde.forValues(ContentEvent.class, serdeConfig())) {
            bytes = serde.serializer().serialize("interop.java", event);
        }
        Path in = work.resolve("from-java.bin");
        Files.write(in, bytes);

        JsonNode decoded = JSON.readTree(runNode("decode", registry.url(), in.toString()));
        assertThat(decoded).isEqualTo(JSON.readTree(JSON.writeValueAsString(render(event))));
    }

    /** The JSON the Node side reads and prints: Avro's JSON-like shape, bytes as base64, millis as numbers. */
    static ObjectNode render(ContentEvent e) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", e.getId());
        ArrayNode images = o.putArray("images");
        for (ImageRendition r : e.getImages()) {
            byte[] data = new byte[r.getData().remaining()];
            r.getData().duplicate().get(data);
            ObjectNode image = images.addObject().put("data", Base64.getEncoder().encodeToString(data))
                    .put("media_type", r.getMediaType());
            putNullable(image, "source", r.getSource());
        }
        ArrayNode captions = o.putArray("captions");
        for (Caption c : e.getCaptions()) {
            putNullable(captions.addObject().put("text", c.getText()).put("kind", c.getKind()), "locale", c.getLocale());
        }
        ArrayNode tags = o.putArray("tags");
        e.getTags().forEach(tags::add);
        putNullable(o, "locale", e.getLocale());
        ObjectNode attributes = o.putObject("attributes");
        e.getAttributes().forEach(attributes::put);
        o.put("event_time", e.getEventTime().toEpochMilli());
        return o;
    }

    private static void putNullable(ObjectNode o, String field, String value) {
        if (value == null) {
            o.putNull(field);
        } else {
            o.put(field, value);
        }
    }

    private Map<String, Object> serdeConfig() {
        return Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry.url());
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(work.resolve(name), text, StandardCharsets.UTF_8);
    }

    private String runNode(String... args) throws Exception {
        return NodeScript.run(node, "interop.mjs", work, args);
    }

    static String executableOnPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }
}
