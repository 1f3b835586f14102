package io.vilstream.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import io.vilstream.schemas.avro.ContentEvent;
import io.vilstream.schemas.avro.Embedding;
import io.vilstream.schemas.contract.AvroContracts;
import io.vilstream.schemas.registry.MockSchemaRegistry;
import io.vilstream.schemas.registry.SchemaRegistryClient;
import io.vilstream.schemas.testing.SampleRecords;
import io.vilstream.schemas.testing.Schemas;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The serde against the in-memory registry ({@code mock://}): round trips, subjects, evolution, config. */
class AvroSerdeTest {

    private final String scope = "serde-test-" + UUID.randomUUID();
    private final SchemaRegistryClient registry = MockSchemaRegistry.client(scope);

    @AfterEach
    void dropScope() {
        MockSchemaRegistry.drop(scope);
    }

    private Map<String, Object> config(Object... keyValues) {
        Map<String, Object> c = new HashMap<>();
        c.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + scope);
        for (int i = 0; i < keyValues.length; i += 2) {
            c.put((String) keyValues[i], keyValues[i + 1]);
        }
        return c;
    }

    static Stream<SpecificRecord> everyRecordType() {
        return Stream.of(SampleRecords.contentEvent("1f600"), SampleRecords.embedding(), SampleRecords.objectTags(),
                SampleRecords.hardNegatives(), SampleRecords.modelVersion(), SampleRecords.checkpointChunk(),
                SampleRecords.contentEvent("x").getImages().get(0), SampleRecords.contentEvent("x").getCaptions().get(1));
    }

    @ParameterizedTest
    @MethodSource("everyRecordType")
    void roundTripsEveryRecordType(SpecificRecord record) {
        assertThat(roundTrip(record)).isEqualTo(record);
    }

    @SuppressWarnings("unchecked")
    private <T extends SpecificRecord> T roundTrip(T record) {
        try (AvroSerde<T> serde = AvroSerde.forValues((Class<T>) record.getClass(), config())) {
            byte[] bytes = serde.serializer().serialize("topic-a", record);
            assertThat(bytes[0]).isZero();
            assertThat(registry.schemaById(Schemas.idOf(bytes))).isEqualTo(AvroContracts.schemaOf(record.getClass()));
            return serde.deserializer().deserialize("topic-a", bytes);
        }
    }

    @Test
    void valuesAndKeysGoUnderTopicNameSubjectsByDefault() {
        try (AvroSerde<Embedding> values = AvroSerde.forValues(Embedding.class, config());
             AvroSerde<Embedding> keys = AvroSerde.forKeys(Embedding.class, config())) {
            values.serializer().serialize("vilstream.embeddings.text.v1", SampleRecords.embedding());
            keys.serializer().serialize("vilstream.embeddings.text.v1", SampleRecords.embedding());
        }
        assertThat(registry.subjects())
                .containsExactly("vilstream.embeddings.text.v1-key", "vilstream.embeddings.text.v1-value");
    }

    @Test
    void recordNameStrategyPutsTheSubjectOnTheRecordName() {
        try (AvroSerde<ContentEvent> serde = AvroSerde.forValues(ContentEvent.class,
                config(AvroSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY, "RecordNameStrategy"))) {
            serde.serializer().serialize("any-topic", SampleRecords.contentEvent("a"));
        }
        assertThat(registry.subjects()).containsExactly("io.vilstream.schemas.avro.ContentEvent");
    }

    @Test
    void acceptsConfluentClassNamesForStrategies() {
        try (AvroSerde<ContentEvent> serde = AvroSerde.forValues(ContentEvent.class, config(
                AvroSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY, "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy"))) {
            serde.serializer().serialize("t", SampleRecords.contentEvent("a"));
        }
        assertThat(registry.subjects()).containsExactly("t-io.vilstream.schemas.avro.ContentEvent");
    }

    @Test
    void theSameAvscRegisteredTwiceGetsOneIdAndNoJavaStringProperty() {
        byte[] first;
        byte[] second;
        try (AvroSerde<ContentEvent> a = AvroSerde.forValues(ContentEvent.class, config());
             AvroSerde<ContentEvent> b = AvroSerde.forValues(ContentEvent.class, config())) {
            first = a.serializer().serialize("content", SampleRecords.contentEvent("a"));
            second = b.serializer().serialize("content", SampleRecords.contentEvent("b"));
        }
        assertThat(Schemas.idOf(first)).isEqualTo(Schemas.idOf(second));
        assertThat(registry.versions("content-value")).containsExactly(1);
        String registered = registry.latest("content-value").schema().toString();
        assertThat(registered).doesNotContain("avro.java.string");

        // what the serde avoids: the Java-generated schema is a different text, so it would get a second id
        int generatedId = registry.register("content-value", SpecificData.get().getSchema(ContentEvent.class));
        assertThat(generatedId).isNotEqualTo(Schemas.idOf(first));
    }

    @Test
    void useLatestVersionWritesWithTheLatestRegisteredSchema() {
        Schema v1 = AvroContracts.schemaOf(ContentEvent.class);
        Schema v2 = Schemas.withField(v1, "{\"name\":\"licence\",\"type\":\"string\",\"default\":\"unknown\"}");
        int id1 = registry.register("content-value", v1);
        int id2 = registry.register("content-value", v2);
        assertThat(id2).isNotEqualTo(id1);

        ContentEvent event = SampleRecords.contentEvent("1f600");
        try (AvroSerde<ContentEvent> serde = AvroSerde.forValues(ContentEvent.class, config(
                AvroSerdeConfig.USE_LATEST_VERSION, true, AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, false))) {
            byte[] bytes = serde.serializer().serialize("content", event);
            assertThat(Schemas.idOf(bytes)).isEqualTo(id2);
            assertThat(serde.deserializer().deserialize("content", bytes)).isEqualTo(event);
            GenericRecord asV2 = readGeneric(bytes, v2);
            assertThat(asV2.get("licence")).hasToString("unknown");
            assertThat(asV2.get("id")).hasToString("1f600");
        }
        assertThat(registry.versions("content-value")).containsExactly(1, 2); // nothing registered
    }

    @Test
    void useLatestVersionRefusesALatestSchemaThatCannotHoldTheRecord() {
        Schema v1 = AvroContracts.schemaOf(ContentEvent.class);
        registry.setCompatibility("content-value", io.vilstream.schemas.registry.CompatibilityLevel.NONE);
        registry.register("content-value", Schemas.withField(v1, "{\"name\":\"licence\",\"type\":\"string\"}"));
        try (AvroSerde<ContentEvent> serde = AvroSerde.forValues(ContentEvent.class, config(
                AvroSerdeConfig.USE_LATEST_VERSION, true, AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, false))) {
            assertThatThrownBy(() -> serde.serializer().serialize("content", SampleRecords.contentEvent("a")))
                    .isInstanceOfSatisfying(WireFormatException.class, e -> {
                        assertThat(e.reason()).isEqualTo(WireFormatException.Reason.INCOMPATIBLE_LATEST_SCHEMA);
                        assertThat(e.getMessage()).contains("licence");
                    });
        }
    }

    @Test
    void readsDataFromANewerWriterSchemaIntoTheCurrentClass() {
        Schema v1 = AvroContracts.schemaOf(ContentEvent.class);
        Schema v2 = Schemas.withField(v1, "{\"name\":\"licence\",\"type\":\"string\",\"default\":\"unknown\"}");
        int id2 = registry.register("content-value", v2);
        ContentEvent event = SampleRecords.contentEvent("1f600");
        GenericRecord newer = Schemas.resolve(event, v2);
        newer.put("licence", "CC-BY-4.0");

        try (AvroSerde<ContentEvent> serde = AvroSerde.forValues(ContentEvent.class, config())) {
            assertThat(serde.deserializer().deserialize("content", Schemas.wire(id2, newer))).isEqualTo(event);
        }
    }

    @Test
    void readsDataFromAnOlderWriterSchemaFillingDefaults() {
        Schema v0 = Schemas.withoutField(AvroContracts.schemaOf(ContentEvent.class), "tags");
        int id0 = registry.register("content-value", v0);
        ContentEvent event = SampleRecords.contentEvent("1f600");
        GenericRecord older = Schemas.resolve(event, v0);

        try (AvroSerde<ContentEvent> serde = AvroSerde.forValues(ContentEvent.class, config())) {
            ContentEvent read = serde.deserializer().deserialize("content", Schemas.wire(id0, older));
            assertThat(read.getTags()).isEmpty();
            assertThat(read.getCaptions()).isEqualTo(event.getCaptions());
        }
    }

    @Test
    void withoutAutoRegisterAnUnregisteredSchemaFailsAsNotRegistered() {
        try (AvroSerde<ContentEvent> serde = AvroSerde.forValues(ContentEvent.class,
                config(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, "false"))) {
            assertThatThrownBy(() -> serde.serializer().serialize("content", SampleRecords.contentEvent("a")))
                    .isInstanceOfSatisfying(WireFormatException.class, e ->
                            assertThat(e.reason()).isEqualTo(WireFormatException.Reason.SCHEMA_NOT_REGISTERED));
            int id = registry.register("content-value", AvroContracts.schemaOf(ContentEvent.class));
            assertThat(Schemas.idOf(serde.serializer().serialize("content", SampleRecords.contentEvent("a")))).isEqualTo(id);
        }
    }

    @Test
    void aRecordMissingARequiredFieldFailsAsInvalidRecord() {
        ContentEvent broken = SampleRecords.contentEvent("a");
        broken.setCaptions(null);
        try (AvroSerde<ContentEvent> serde = AvroSerde.forValues(ContentEvent.class, config())) {
            assertThatThrownBy(() -> serde.serializer().serialize("content", broken))
                    .isInstanceOfSatisfying(WireFormatException.class, e ->
                            assertThat(e.reason()).isEqualTo(WireFormatException.Reason.INVALID_RECORD));
        }
    }

    @Test
    void nullSerializesToNull() {
        try (AvroSerde<ContentEvent> serde = AvroSerde.forValues(ContentEvent.class, config())) {
            assertThat(serde.serializer().serialize("content", null)).isNull();
            assertThat(serde.deserializer().deserialize("content", null)).isNull();
        }
    }

    @Test
    void aMissingRegistryUrlFailsAtConfigureNamingTheKey() {
        Serde<ContentEvent> serde = new AvroSerde<>(ContentEvent.class);
        assertThatThrownBy(() -> serde.configure(Map.of("bootstrap.servers", "127.0.0.1:9092"), false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("schema.registry.url");
    }

    @Test
    void badValuesFailAtConfigureNamingKeyAndAllowedValues() {
        assertThatThrownBy(() -> AvroSerde.forValues(ContentEvent.class,
                config(AvroSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY, "SubjectFromTheMoon")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(AvroSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY)
                .hasMessageContaining("RecordNameStrategy");
        assertThatThrownBy(() -> AvroSerde.forValues(ContentEvent.class,
                config(AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "SASL_INHERIT")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE);
        assertThatThrownBy(() -> AvroSerde.forValues(ContentEvent.class,
                Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://a,http://127.0.0.1:1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("mock://");
        assertThatThrownBy(() -> AvroSerde.forValues(ContentEvent.class,
                Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "ftp://127.0.0.1:1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(AvroSerdeConfig.SCHEMA_REGISTRY_URL);
    }

    @Test
    void theConfigDefDocumentsEveryKey() {
        assertThat(AvroSerdeConfig.configDef().names()).containsAll(List.of(
                "schema.registry.url", "auto.register.schemas", "use.latest.version", "basic.auth.credentials.source",
                "basic.auth.user.info", "key.subject.name.strategy", "value.subject.name.strategy",
                "max.retries", "retries.wait.ms", "retries.max.wait.ms"));
    }

    private static GenericRecord readGeneric(byte[] wire, Schema schema) {
        try {
            return new GenericDatumReader<GenericRecord>(schema)
                    .read(null, DecoderFactory.get().binaryDecoder(wire, 5, wire.length - 5, null));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
