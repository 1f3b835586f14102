package io.vilstream.schemas.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import io.vilstream.schemas.avro.Caption;
import io.vilstream.schemas.avro.CheckpointChunk;
import io.vilstream.schemas.avro.ContentEvent;
import io.vilstream.schemas.avro.Embedding;
import io.vilstream.schemas.avro.HardNegatives;
import io.vilstream.schemas.avro.ImageRendition;
import io.vilstream.schemas.avro.ModelVersion;
import io.vilstream.schemas.avro.ObjectTags;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class AvroContractsTest {

    static final List<Class<? extends SpecificRecord>> RECORD_TYPES = List.of(ContentEvent.class, ImageRendition.class,
            Caption.class, Embedding.class, ObjectTags.class, HardNegatives.class, ModelVersion.class, CheckpointChunk.class);

    @Test
    void listsEveryAvscFileOfTheModule() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("src/main/avro"))) {
            List<String> onDisk = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".avsc")).sorted().toList();
            assertThat(AvroContracts.FILES).containsExactlyInAnyOrderElementsOf(onDisk);
        }
    }

    @Test
    void contractSchemasCarryNoJavaStringProperty() {
        for (Class<? extends SpecificRecord> type : RECORD_TYPES) {
            assertThat(AvroContracts.schemaOf(type).toString()).as(type.getSimpleName()).doesNotContain("avro.java.string");
            // the generated schema does carry it: that is the reason the contract is registered instead
            assertThat(SpecificData.get().getSchema(type).toString()).contains("avro.java.string");
        }
    }

    @Test
    void contractEqualsTheGeneratedSchemaWithoutJavaProperties() {
        for (Class<? extends SpecificRecord> type : RECORD_TYPES) {
            Schema generated = SpecificData.get().getSchema(type);
            Schema contract = AvroContracts.schemaOf(type);
            assertThat(AvroContracts.withoutJavaProperties(generated).toString()).as(type.getSimpleName())
                    .isEqualTo(contract.toString());
            assertThat(SchemaNormalization.parsingFingerprint64(generated))
                    .isEqualTo(SchemaNormalization.parsingFingerprint64(contract));
        }
    }

    @Test
    void contractInlinesTheSharedTypesSoItStandsAlone() {
        String contentEvent = AvroContracts.schemaOf(ContentEvent.class).toString();
        Schema reparsed = new Schema.Parser().parse(contentEvent);
        assertThat(reparsed.getField("images").schema().getElementType().getFullName())
                .isEqualTo("io.vilstream.schemas.avro.ImageRendition");
    }

    @Test
    void knowsNestedTypesByFullName() {
        assertThat(AvroContracts.byFullName("io.vilstream.schemas.avro.ScoredTag")).isPresent();
        assertThat(AvroContracts.byFullName("io.vilstream.schemas.avro.ModelStatus")).isPresent();
        assertThat(AvroContracts.byFullName("no.such.Type")).isEmpty();
    }
}
