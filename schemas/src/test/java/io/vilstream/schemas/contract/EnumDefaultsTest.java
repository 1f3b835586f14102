package io.vilstream.schemas.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import io.vilstream.schemas.avro.Embedding;
import io.vilstream.schemas.avro.ModelVersion;
import io.vilstream.schemas.registry.CompatibilityLevel;
import io.vilstream.schemas.registry.CompatibilityResult;
import io.vilstream.schemas.registry.core.SchemaRegistryCore;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * EVOLUTION.md rule 6: every enum has a default symbol, so a symbol added later does not break
 * readers; and adding the defaults was itself a change the registry accepts at every level
 * against the schemas published before (kept in test resources, from git history).
 */
class EnumDefaultsTest {

    private static final String BEFORE = "/evolution/before-enum-defaults/";
    private static final Map<Class<? extends SpecificRecord>, String> CHANGED =
            Map.of(Embedding.class, "Embedding.avsc", ModelVersion.class, "ModelVersion.avsc");

    @Test
    void everyEnumOfEveryContractHasADefaultSymbol() {
        List<Schema> enums = AvroContracts.all().stream().filter(s -> s.getType() == Schema.Type.ENUM).toList();
        assertThat(enums).extracting(Schema::getName).contains("Modality", "ModelStatus");
        for (Schema e : enums) {
            assertThat(e.getEnumDefault()).as(e.getFullName()).isNotNull().isIn(e.getEnumSymbols());
        }
    }

    @Test
    void theRegistryAcceptsTheDefaultsAgainstThePublishedSchemasAtEveryLevel() throws IOException {
        for (var entry : CHANGED.entrySet()) {
            String before = resource(BEFORE + entry.getValue());
            String now = AvroContracts.schemaOf(entry.getKey()).toString();
            for (CompatibilityLevel level : CompatibilityLevel.values()) {
                SchemaRegistryCore core = SchemaRegistryCore.inMemory();
                core.setSubjectCompatibility("s", level);
                int v1 = core.register("s", before).id();
                CompatibilityResult result = core.testCompatibility("s", "latest", now);
                assertThat(result.compatible()).as(entry.getValue() + " at " + level + ": " + result.messages()).isTrue();
                // a new version, not the old one again: the default reaches readers through the registry
                assertThat(core.register("s", now).id()).as(entry.getValue()).isNotEqualTo(v1);
            }
        }
    }

    @Test
    void aReaderTakesASymbolAddedLaterForTheDefault() throws IOException {
        Schema reader = AvroContracts.schemaOf(ModelVersion.class);
        Schema writer = new Schema.Parser().parse(reader.toString()
                .replace("\"ROLLED_BACK\"]", "\"ROLLED_BACK\",\"ARCHIVED\"]"));
        GenericRecord future = new GenericData.Record(writer);
        for (Schema.Field f : writer.getFields()) {
            future.put(f.name(), switch (f.name()) {
                case "model_name", "sha256" -> "m";
                case "version", "size_bytes", "training_step", "created_at", "updated_at" -> 1L;
                case "chunk_count" -> 0;
                case "metrics" -> Map.of();
                case "status" -> new GenericData.EnumSymbol(f.schema(), "ARCHIVED");
                default -> null;
            });
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(writer).write(future, enc);
        enc.flush();

        GenericRecord read = new GenericDatumReader<GenericRecord>(writer, reader)
                .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
        assertThat(read.get("status")).hasToString("CANDIDATE");
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = EnumDefaultsTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
