package io.vilstream.schemas.registry.core;

import java.util.Objects;

import io.vilstream.schemas.registry.CompatibilityLevel;

/** One change to a registry, as a {@link SchemaStore} records and replays it. */
public sealed interface StoreEntry {

    /**
     * A claim that {@code subject} version {@code version} is {@code schema} with global id
     * {@code id}. Claims are applied in log order and the first claim on an id, a version or a
     * schema wins (see {@link RegistryState#apply}), so every replica reaches the same state.
     */
    record SchemaVersion(String subject, int version, int id, String schema) implements StoreEntry {
        public SchemaVersion {
            Objects.requireNonNull(subject, "subject");
            Objects.requireNonNull(schema, "schema");
        }
    }

    /**
     * A compatibility level for one subject, or the global one when {@code subject} is null;
     * {@code level} null removes a subject's level (it follows the global one again).
     */
    record CompatibilityConfig(String subject, CompatibilityLevel level) implements StoreEntry {
    }

    /**
     * A deletion of {@code subject} version {@code version}: soft (hidden from listings, its id
     * still resolvable) or, for a version already soft-deleted, permanent (gone, its id released
     * when no other version holds the schema). Applied only when the version is in the state the
     * deletion expects (see {@link RegistryState#apply}), so a duplicate or a racing deletion
     * changes nothing.
     */
    record VersionDeletion(String subject, int version, boolean permanent) implements StoreEntry {
        public VersionDeletion {
            Objects.requireNonNull(subject, "subject");
        }
    }
}
