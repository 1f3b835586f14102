package io.vilstream.schemas.registry.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

import io.vilstream.schemas.registry.CompatibilityLevel;

/**
 * The registry's state, built only by applying {@link StoreEntry}s in log order: subjects with
 * their versions (soft-deleted ones flagged), the global ids, and the compatibility levels.
 *
 * <p>{@link #apply} is deterministic and first-claim-wins: a schema claim is ignored when its id
 * already belongs to another schema (or was released by a permanent deletion), its schema already
 * has another id, its subject already holds that schema in a version that is not deleted, or its
 * version is not above the subject's versions (soft-deleted ones included). Two registries that
 * race for the same id or version both write their claims; every replica keeps the earlier one in
 * the log and the loser notices and retries ({@link SchemaRegistryCore#register}). An id is never
 * given to a second schema, not even after a permanent deletion, so bytes written with it never
 * decode as something else; a permanently deleted version number can come back, as in
 * Confluent's registry. Thread-safe: the store's reader thread applies while request threads read.
 */
final class RegistryState {

    /** One version of a subject: schema text in its canonical form ({@code Schema.toString()}). */
    record Version(String subject, int version, int id, String schema, boolean deleted) {
        Version softDeleted() {
            return new Version(subject, version, id, schema, true);
        }
    }

    /** Versions of each subject, oldest first, soft-deleted included; permanently deleted ones are gone. */
    private final TreeMap<String, List<Version>> subjects = new TreeMap<>();
    private final Map<Integer, String> schemaById = new HashMap<>();
    private final Map<String, Integer> idBySchema = new HashMap<>();
    /** Ids whose every version was permanently deleted: never given to another schema. */
    private final Set<Integer> releasedIds = new HashSet<>();
    private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
    private CompatibilityLevel globalLevel;
    private int maxId;

    /** Applies one entry; false when it changed nothing (a lost claim, a deletion of a version not in that state). */
    synchronized boolean apply(StoreEntry entry) {
        if (entry instanceof StoreEntry.SchemaVersion claim) {
            return applyClaim(claim);
        }
        if (entry instanceof StoreEntry.VersionDeletion deletion) {
            return applyDeletion(deletion);
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
        if (claim.id() < 1 || claim.version() < 1 || releasedIds.contains(claim.id())) {
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
            if (!v.deleted() && v.schema().equals(claim.schema())) {
                return false; // already registered in this subject
            }
        }
        if (!versions.isEmpty() && versions.get(versions.size() - 1).version() >= claim.version()) {
            return false; // the version went to another schema first
        }
        versions.add(new Version(claim.subject(), claim.version(), claim.id(), claim.schema(), false));
        schemaById.put(claim.id(), claim.schema());
        idBySchema.put(claim.schema(), claim.id());
        maxId = Math.max(maxId, claim.id());
        return true;
    }

    private boolean applyDeletion(StoreEntry.VersionDeletion deletion) {
        List<Version> versions = subjects.get(deletion.subject());
        if (versions == null) {
            return false;
        }
        for (int i = 0; i < versions.size(); i++) {
            Version v = versions.get(i);
            if (v.version() != deletion.version()) {
                continue;
            }
            if (!deletion.permanent()) {
                if (v.deleted()) {
                    return false;
                }
                versions.set(i, v.softDeleted());
                return true;
            }
            if (!v.deleted()) {
                return false; // permanent only after soft, as Confluent's registry requires
            }
            versions.remove(i);
            if (versions.isEmpty()) {
                subjects.remove(deletion.subject());
            }
            if (!held(v.id())) {
                schemaById.remove(v.id());
                idBySchema.remove(v.schema());
                releasedIds.add(v.id());
            }
            return true;
        }
        return false;
    }

    private boolean held(int id) {
        for (List<Version> versions : subjects.values()) {
            for (Version v : versions) {
                if (v.id() == id) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Subjects with a version that is not deleted; with {@code includeDeleted}, also those with only soft-deleted ones. */
    synchronized List<String> subjects(boolean includeDeleted) {
        List<String> out = new ArrayList<>();
        subjects.forEach((name, versions) -> {
            if (versions.stream().anyMatch(v -> includeDeleted || !v.deleted())) {
                out.add(name);
            }
        });
        return out;
    }

    /** The subject's versions that are not deleted, oldest first; empty when there are none. */
    synchronized List<Version> versions(String subject) {
        return versions(subject, false);
    }

    /** The subject's versions, oldest first, soft-deleted ones too when asked. */
    synchronized List<Version> versions(String subject, boolean includeDeleted) {
        List<Version> versions = subjects.get(subject);
        if (versions == null) {
            return List.of();
        }
        return versions.stream().filter(v -> includeDeleted || !v.deleted()).toList();
    }

    synchronized Optional<Version> find(String subject, String schema, boolean includeDeleted) {
        // the newest match: a schema registered again after a soft delete has a live newer version
        List<Version> versions = versions(subject, includeDeleted);
        for (int i = versions.size() - 1; i >= 0; i--) {
            if (versions.get(i).schema().equals(schema)) {
                return Optional.of(versions.get(i));
            }
        }
        return Optional.empty();
    }

    synchronized Optional<Version> find(String subject, String schema) {
        return find(subject, schema, false);
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

    /** The subject's newest version number, soft-deleted ones included; 0 when it has none. */
    synchronized int highestVersion(String subject) {
        List<Version> versions = subjects.get(subject);
        return versions == null || versions.isEmpty() ? 0 : versions.get(versions.size() - 1).version();
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
