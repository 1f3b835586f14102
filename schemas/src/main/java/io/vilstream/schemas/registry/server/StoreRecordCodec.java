package io.vilstream.schemas.registry.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vilstream.schemas.registry.CompatibilityLevel;
import io.vilstream.schemas.registry.core.StoreEntry;

/**
 * The JSON records of the registry topic ({@code _vilstream_schemas}), shaped like Confluent's: a key with a
 * {@code keytype} ({@code SCHEMA} or {@code CONFIG}) and a JSON value.
 *
 * <p>One deliberate difference: a schema key also carries the claimed id, a fingerprint of the
 * schema and a random nonce. The topic is compacted, and compaction keeps the <em>last</em> record
 * of a key, at the last one's position; with Confluent's key (subject + version) a losing
 * concurrent claim on the same version would, once compacted, replace the winning one. With every
 * schema and deletion record under a key of its own, compaction removes none of them and moves
 * none, so replaying the log (first claim wins, deletions in their place) gives the same state for
 * ever. Deletions are records of their own ({@code DELETE_VERSION}, soft or permanent) instead of
 * Confluent's rewrite of the schema record with {@code "deleted": true} and its tombstone, which
 * would move or remove a claim. Config keys stay one per subject: the last level set is the one
 * that counts.
 */
final class StoreRecordCodec {

    static final String SCHEMA = "SCHEMA";
    static final String CONFIG = "CONFIG";
    static final String DELETE_VERSION = "DELETE_VERSION";

    private final ObjectMapper json = new ObjectMapper();

    record Encoded(String key, String value) {
    }

    Encoded encode(StoreEntry entry) {
        if (entry instanceof StoreEntry.SchemaVersion v) {
            ObjectNode key = json.createObjectNode()
                    .put("keytype", SCHEMA)
                    .put("subject", v.subject())
                    .put("version", v.version())
                    .put("id", v.id())
                    .put("fingerprint", fingerprint(v.schema()))
                    .put("nonce", UUID.randomUUID().toString())
                    .put("magic", 1);
            ObjectNode value = json.createObjectNode()
                    .put("subject", v.subject())
                    .put("version", v.version())
                    .put("id", v.id())
                    .put("schema", v.schema())
                    .put("deleted", false);
            return new Encoded(key.toString(), value.toString());
        }
        if (entry instanceof StoreEntry.VersionDeletion d) {
            ObjectNode key = json.createObjectNode()
                    .put("keytype", DELETE_VERSION)
                    .put("subject", d.subject())
                    .put("version", d.version())
                    .put("permanent", d.permanent())
                    .put("nonce", UUID.randomUUID().toString())
                    .put("magic", 1);
            ObjectNode value = json.createObjectNode()
                    .put("subject", d.subject())
                    .put("version", d.version())
                    .put("permanent", d.permanent());
            return new Encoded(key.toString(), value.toString());
        }
        StoreEntry.CompatibilityConfig c = (StoreEntry.CompatibilityConfig) entry;
        ObjectNode key = json.createObjectNode().put("keytype", CONFIG);
        if (c.subject() == null) {
            key.putNull("subject");
        } else {
            key.put("subject", c.subject());
        }
        key.put("magic", 0);
        String value = c.level() == null ? null
                : json.createObjectNode().put("compatibilityLevel", c.level().name()).toString();
        return new Encoded(key.toString(), value);
    }

    /**
     * The entry a record stands for; empty for records this registry does not act on (other key
     * types, deleted schemas, tombstones of schema keys).
     *
     * @throws IllegalArgumentException for a record that is not valid JSON of the expected shape
     */
    Optional<StoreEntry> decode(String keyText, String valueText) {
        JsonNode key = read(keyText, "key");
        String keytype = key.path("keytype").asText("");
        if (SCHEMA.equals(keytype)) {
            if (valueText == null) {
                return Optional.empty();
            }
            JsonNode value = read(valueText, "value");
            if (value.path("deleted").asBoolean(false)) {
                return Optional.empty();
            }
            String type = value.path("schemaType").asText("AVRO");
            if (!"AVRO".equalsIgnoreCase(type)) {
                return Optional.empty();
            }
            return Optional.of(new StoreEntry.SchemaVersion(text(value, "subject"), integer(value, "version"),
                    integer(value, "id"), text(value, "schema")));
        }
        if (DELETE_VERSION.equals(keytype)) {
            if (valueText == null) {
                return Optional.empty();
            }
            JsonNode value = read(valueText, "value");
            JsonNode permanent = value.get("permanent");
            if (permanent == null || !permanent.isBoolean()) {
                throw new IllegalArgumentException("record lacks the boolean field 'permanent'");
            }
            return Optional.of(new StoreEntry.VersionDeletion(text(value, "subject"), integer(value, "version"),
                    permanent.asBoolean()));
        }
        if (CONFIG.equals(keytype)) {
            JsonNode subjectNode = key.get("subject");
            String subject = subjectNode == null || subjectNode.isNull() ? null : subjectNode.asText();
            if (valueText == null) {
                return Optional.of(new StoreEntry.CompatibilityConfig(subject, null));
            }
            String level = read(valueText, "value").path("compatibilityLevel").asText("");
            CompatibilityLevel parsed = CompatibilityLevel.parse(level)
                    .orElseThrow(() -> new IllegalArgumentException("unknown compatibility level '" + level + "'"));
            return Optional.of(new StoreEntry.CompatibilityConfig(subject, parsed));
        }
        return Optional.empty();
    }

    private JsonNode read(String text, String what) {
        if (text == null) {
            throw new IllegalArgumentException("record " + what + " is null");
        }
        try {
            JsonNode node = json.readTree(text);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("record " + what + " is not a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("record " + what + " is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode n = node.get(field);
        if (n == null || !n.isTextual()) {
            throw new IllegalArgumentException("record lacks the text field '" + field + "'");
        }
        return n.asText();
    }

    private static int integer(JsonNode node, String field) {
        JsonNode n = node.get(field);
        if (n == null || !n.canConvertToInt()) {
            throw new IllegalArgumentException("record lacks the integer field '" + field + "'");
        }
        return n.asInt();
    }

    static String fingerprint(String schema) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(schema.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
