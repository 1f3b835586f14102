package io.vilstream.schemas.contract;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * The vilstream Avro contracts as their {@code .avsc} files state them (shipped in the jar under
 * {@code /avro/}). These, not the generated classes' {@code SCHEMA$}, are what the serde
 * registers: the generated schemas carry {@code avro.java.string} properties, which the
 * registry would treat as a different schema and give a second id.
 */
public final class AvroContracts {

    /** Where the build copies the .avsc files inside the jar. */
    public static final String RESOURCE_DIR = "/avro/";

    /**
     * Every .avsc file, shared types first: the same order the avro-maven-plugin needs
     * ({@code <imports>} in schemas/pom.xml), because later files refer to earlier types by name.
     */
    public static final List<String> FILES = List.of(
            "ImageRendition.avsc", "Caption.avsc",
            "ContentEvent.avsc", "Embedding.avsc", "ObjectTags.avsc", "HardNegatives.avsc",
            "ModelVersion.avsc", "CheckpointChunk.avsc");

    private static final String JAVA_STRING_PROP = "avro.java.string";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Schema> BY_FULL_NAME = load();

    private AvroContracts() {
    }

    /**
     * The schema to register for a generated class: its .avsc contract when it has one, or else
     * its generated schema stripped of the Java-only string properties (same result, see the test).
     */
    public static Schema schemaOf(Class<? extends SpecificRecord> type) {
        Schema generated = SpecificData.get().getSchema(type);
        Schema contract = BY_FULL_NAME.get(generated.getFullName());
        return contract != null ? contract : withoutJavaProperties(generated);
    }

    /** The contract type with this full name (records and enums, nested ones included). */
    public static Optional<Schema> byFullName(String fullName) {
        return Optional.ofNullable(BY_FULL_NAME.get(fullName));
    }

    /** Every named type the .avsc files define, in parse order. */
    public static Collection<Schema> all() {
        return BY_FULL_NAME.values();
    }

    /**
     * The schema without {@code avro.java.string} properties anywhere in it: what a
     * non-Java producer (or the .avsc file) states for the same contract.
     */
    public static Schema withoutJavaProperties(Schema schema) {
        try {
            JsonNode tree = JSON.readTree(schema.toString());
            stripJavaProperties(tree);
            return new Schema.Parser().parse(JSON.writeValueAsString(tree));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot re-read the schema of " + schema.getFullName(), e);
        }
    }

    private static void stripJavaProperties(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.remove(JAVA_STRING_PROP);
        }
        for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
            stripJavaProperties(it.next());
        }
    }

    private static Map<String, Schema> load() {
        Schema.Parser parser = new Schema.Parser();
        for (String file : FILES) {
            try (InputStream in = AvroContracts.class.getResourceAsStream(RESOURCE_DIR + file)) {
                if (in == null) {
                    throw new IllegalStateException("the contract " + RESOURCE_DIR + file
                            + " is missing from the classpath (schemas jar built without its resources?)");
                }
                parser.parse(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the contract " + file, e);
            } catch (SchemaParseException e) {
                throw new IllegalStateException("the contract " + file + " does not parse: " + e.getMessage(), e);
            }
        }
        return Collections.unmodifiableMap(new LinkedHashMap<>(parser.getTypes()));
    }
}
