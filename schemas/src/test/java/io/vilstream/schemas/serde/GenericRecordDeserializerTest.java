package io.vilstream.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.vilstream.schemas.avro.ContentEvent;
import io.vilstream.schemas.contract.AvroContracts;
import io.vilstream.schemas.registry.MockSchemaRegistry;
import io.vilstream.schemas.registry.SchemaRegistryClient;
import io.vilstream.schemas.testing.SampleRecords;
import io.vilstream.schemas.testing.Schemas;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The deserializer without a generated class (Confluent's {@code specific.avro.reader=false}):
 * a {@link GenericRecord} read with the writer schema the registry gives for the id.
 */
class GenericRecordDeserializerTest {

    private final String scope = "generic-" + UUID.randomUUID();
    private final SchemaRegistryClient registry = MockSchemaRegistry.client(scope);

    @AfterEach
    void dropRegistry() {
        MockSchemaRegistry.drop(scope);
    }

    @Test
    void readsAGeneratedRecordsBytesAsAGenericRecordWithTheWriterSchema() {
        ContentEvent event = SampleRecords.contentEvent("1f600");
        byte[] bytes;
        try (AvroSerde<ContentEvent> serde = new AvroSerde<>(ContentEvent.class, registry)) {
            serde.configure(config(), false);
            bytes = serde.serializer().serialize("content", event);
        }
        GenericRecord record = AvroDeserializer.generic(registry).deserialize("content", bytes);

        assertThat(record.getSchema()).isEqualTo(registry.schemaById(Schemas.idOf(bytes)));
        assertThat(record.getSchema()).isEqualTo(AvroContracts.schemaOf(ContentEvent.class));
        assertThat(record.get("id").toString()).isEqualTo(event.getId());
        assertThat(record.get("event_time")).isEqualTo(event.getEventTime().toEpochMilli());
        assertThat(((List<?>) record.get("captions"))).hasSize(event.getCaptions().size());
    }

    @Test
    void readsARecordTypeNoClassOnTheClasspathDescribes() {
        Schema writer = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"Unknown\",\"namespace\":\"elsewhere\","
                + "\"fields\":[{\"name\":\"n\",\"type\":\"int\"},{\"name\":\"s\",\"type\":[\"null\",\"string\"]}]}");
        int id = registry.register("elsewhere-value", writer);
        GenericRecord written = new GenericData.Record(writer);
        written.put("n", 42);
        written.put("s", "hello");

        GenericRecord read = AvroDeserializer.generic(registry).deserialize("elsewhere", Schemas.wire(id, written));

        assertThat(read.getSchema()).isEqualTo(writer);
        assertThat(read.get("n")).isEqualTo(42);
        assertThat(read.get("s").toString()).isEqualTo("hello");
    }

    @Test
    @SuppressWarnings("unchecked")
    void kafkaCanInstantiateItByClassNameAndConfigureItFromTheMap() {
        Schema writer = new Schema.Parser().parse(
                "{\"type\":\"record\",\"name\":\"Named\",\"fields\":[{\"name\":\"n\",\"type\":\"long\"}]}");
        int id = registry.register("named-value", writer);
        GenericRecord written = new GenericData.Record(writer);
        written.put("n", 7L);

        // what a consumer does with value.deserializer=io.vilstream.schemas.serde.AvroDeserializer
        try (Deserializer<Object> deserializer = Utils.newInstance(AvroDeserializer.class.getName(), Deserializer.class)) {
            deserializer.configure(config(), false);
            Object read = deserializer.deserialize("named", Schemas.wire(id, written));
            assertThat(read).isInstanceOf(GenericRecord.class);
            assertThat(((GenericRecord) read).get("n")).isEqualTo(7L);
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aWriterSchemaThatIsNotARecordIsAnIncompatibleWriter() {
        int id = registry.register("plain-value", Schema.create(Schema.Type.STRING));
        assertThatThrownBy(() -> AvroDeserializer.generic(registry).deserialize("plain", Schemas.wire(id, new byte[] {2, 'h'})))
                .isInstanceOf(WireFormatException.class)
                .satisfies(e -> assertThat(((WireFormatException) e).reason()).isEqualTo(WireFormatException.Reason.INCOMPATIBLE_WRITER))
                .hasMessageContaining("not a record");
    }

    @Test
    void aClassThatIsNotGeneratedIsRefusedAtConstruction() {
        assertThatThrownBy(() -> new AvroDeserializer<>(String.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("generic()");
    }

    private Map<String, Object> config() {
        return Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + scope);
    }
}
