package io.vilstream.schemas.registry.core;

import java.util.ArrayList;
import java.util.List;

import io.vilstream.schemas.registry.CompatibilityLevel;
import io.vilstream.schemas.registry.CompatibilityResult;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * Confluent's compatibility rules on top of Avro's own resolution check
 * ({@link SchemaCompatibility#checkReaderWriterCompatibility}): BACKWARD means the candidate, as
 * reader, can read what an earlier version wrote; FORWARD the reverse; FULL both; the
 * transitive levels check every earlier version, the others only the latest.
 */
public final class CompatibilityChecker {

    private CompatibilityChecker() {
    }

    /** An earlier version to check against, with its number for the messages. */
    public record Earlier(int version, Schema schema) {
    }

    /** Checks the candidate against the earlier versions (oldest first) under the level. */
    public static CompatibilityResult check(CompatibilityLevel level, Schema candidate, List<Earlier> earlier) {
        if (level == CompatibilityLevel.NONE || earlier.isEmpty()) {
            return CompatibilityResult.ok();
        }
        List<Earlier> against = level.transitive() ? earlier : List.of(earlier.get(earlier.size() - 1));
        List<String> problems = new ArrayList<>();
        for (Earlier old : against) {
            if (level.backward()) {
                describe(SchemaCompatibility.checkReaderWriterCompatibility(candidate, old.schema()),
                        "the new schema cannot read data written with version " + old.version(), problems);
            }
            if (level.forward()) {
                describe(SchemaCompatibility.checkReaderWriterCompatibility(old.schema(), candidate),
                        "version " + old.version() + " cannot read data written with the new schema", problems);
            }
        }
        return problems.isEmpty() ? CompatibilityResult.ok() : CompatibilityResult.incompatible(problems);
    }

    /** Whether a reader schema can read what a writer schema wrote, with the reasons if not. */
    public static CompatibilityResult canRead(Schema reader, Schema writer) {
        List<String> problems = new ArrayList<>();
        describe(SchemaCompatibility.checkReaderWriterCompatibility(reader, writer), "reader cannot read writer", problems);
        return problems.isEmpty() ? CompatibilityResult.ok() : CompatibilityResult.incompatible(problems);
    }

    private static void describe(SchemaPairCompatibility pair, String context, List<String> out) {
        if (pair.getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            return;
        }
        for (Incompatibility i : pair.getResult().getIncompatibilities()) {
            out.add(context + ": " + i.getType() + " at '" + i.getLocation() + "': " + i.getMessage());
        }
    }
}
