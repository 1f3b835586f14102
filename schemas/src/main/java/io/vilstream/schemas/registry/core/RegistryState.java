package io.vilstream.schemas.registry.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

import io.vilstream.schemas.registry.CompatibilityLevel;

/**
 * The registry's state, built only by applying {@link StoreEntry}s in log order: subjects with
 * their versions, the global ids, and the compatibility levels.
 *
 * <p>{@link #apply} is deterministic and first-claim-wins: a schema claim is ignored when its id
 * already belongs to another schema, its schema already has another id, its subject already holds
 * that schema, or its version is not above the subject's latest. Two registries that race for the
 * same id or version both write their claims; every replica keeps the earlier one in the log and
 * the loser notices and retries ({@link SchemaRegistryCore#register}). Thread-safe: the store's
 * reader thread applies while request threads read.
 */
final class RegistryState {

    /** One version of a subject: schema text in its canonical form ({@code Schema.toString()}). */
    record Version(String subject, int version, int id, String schema) {
    }

    private final TreeMap<String, List<Version>> subjects = new TreeMap<>();
    private final Map<Integer, String> schemaById = new HashMap<>();
    private final Map<String, Integer> idBySchema = new HashMap<>();
    private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
    private CompatibilityLevel globalLevel;
    private int maxId;

    /** Applies one entry; false when a schema claim lost to an earlier one (and changed nothing). */
    synchronized boolean apply(StoreEntry entry) {
        if (entry instanceof StoreEntry.SchemaVersion claim) {
            return applyClaim(claim);
        }
        StoreEntry.CompatibilityConfig config = (StoreEntry.CompatibilityConfig) entry;
        if (config.subject() == null) {
            globalLevel = config.level();
        } else if (config.level() == null) {
            subjectLevels.remove(config.subject());
        } else {
            subjectLevels.put(config.subject(), config.level());
        }
        return true;
    }

    private boolean applyClaim(StoreEntry.SchemaVersion claim) {
        if (claim.id() < 1 || claim.version() < 1) {
            return false;
        }
        String holder = schemaById.get(claim.id());
        if (holder != null && !holder.equals(claim.schema())) {
            return false; // the id went to another schema first
        }
        Integer idOfSchema = idBySchema.get(claim.schema());
        if (idOfSchema != null && idOfSchema != claim.id()) {
            return false; // one schema, one id, across subjects
        }
        List<Version> versions = subjects.computeIfAbsent(claim.subject(), s -> new ArrayList<>());
        for (Version v : versions) {
            if (v.schema().equals(claim.schema())) {
                return false; // already registered in this subject
            }
        }
        if (!versions.isEmpty() && versions.get(versions.size() - 1).version() >= claim.version()) {
            return false; // the version went to another schema first
        }
        versions.add(new Version(claim.subject(), claim.version(), claim.id(), claim.schema()));
        schemaById.put(claim.id(), claim.schema());
        idBySchema.put(claim.schema(), claim.id());
        maxId = Math.max(maxId, claim.id());
        return true;
    }

    synchronized List<String> subjects() {
        List<String> out = new ArrayList<>();
        subjects.forEach((name, versions) -> {
            if (!versions.isEmpty()) {
                out.add(name);
            }
        });
        return out;
    }

    /** The subject's versions, oldest first; empty when the subject does not exist. */
    synchronized List<Version> versions(String subject) {
        List<Version> versions = subjects.get(subject);
        return versions == null ? List.of() : List.copyOf(versions);
    }

    synchronized Optional<Version> find(String subject, String schema) {
        return versions(subject).stream().filter(v -> v.schema().equals(schema)).findFirst();
    }

    synchronized Optional<String> schemaById(int id) {
        return Optional.ofNullable(schemaById.get(id));
    }

    synchronized OptionalInt idOf(String schema) {
        Integer id = idBySchema.get(schema);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    synchronized int maxId() {
        return maxId;
    }

    synchronized CompatibilityLevel globalLevel() {
        return globalLevel != null ? globalLevel : CompatibilityLevel.DEFAULT;
    }

    synchronized Optional<CompatibilityLevel> subjectLevel(String subject) {
        return Optional.ofNullable(subjectLevels.get(subject));
    }

    synchronized CompatibilityLevel effectiveLevel(String subject) {
        return subjectLevel(subject).orElse(globalLevel());
    }
}
