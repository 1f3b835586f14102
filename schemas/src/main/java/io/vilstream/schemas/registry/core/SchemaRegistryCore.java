package io.vilstream.schemas.registry.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import io.vilstream.schemas.registry.CompatibilityLevel;
import io.vilstream.schemas.registry.CompatibilityResult;
import io.vilstream.schemas.registry.RegisteredSchema;
import io.vilstream.schemas.registry.SchemaRegistryException;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry itself, whatever its storage: subjects, versions, global ids and compatibility,
 * with Confluent's semantics and error codes. The embedded HTTP server and the in-memory
 * {@code mock://} registry both delegate here, so the rules exist once.
 *
 * <p>Identity of a schema is its canonical text, {@link Schema#toString()} of the parsed schema
 * (as Confluent's registry does without {@code normalize.schemas}): whitespace and key order do
 * not matter, docs and properties do. The same schema gets the same id in every subject.
 *
 * <p>Id allocation is optimistic: a registration reads up to the end of the store, picks the next
 * id and version, appends its claim and waits until it has been applied; if an earlier claim from
 * another registry on the same store took that id or version, the state shows it, and the
 * registration starts over from the new state (re-checking compatibility). See {@link RegistryState}.
 */
public final class SchemaRegistryCore implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SchemaRegistryCore.class);
    private static final int MAX_WRITE_ATTEMPTS = 20;

    private final SchemaStore store;
    private final RegistryState state = new RegistryState();
    /** Writes of this instance go one at a time; other instances are handled by the claim rules. */
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Map<Integer, Schema> parsedById = new ConcurrentHashMap<>();

    private SchemaRegistryCore(SchemaStore store) {
        this.store = store;
    }

    /** Starts the store, replays it, and returns the registry once it has caught up. */
    public static SchemaRegistryCore open(SchemaStore store) {
        SchemaRegistryCore core = new SchemaRegistryCore(store);
        try {
            store.start(core.state::apply);
        } catch (RuntimeException e) {
            store.close(); // release whatever the store opened before it failed
            throw e;
        }
        return core;
    }

    /** A registry that lives only in this object. */
    public static SchemaRegistryCore inMemory() {
        return open(new InMemorySchemaStore());
    }

    // --- schemas ---

    /** Registers the schema under the subject, or returns the version that already holds it. */
    public RegisteredSchema register(String subject, String schemaText) {
        Schema schema = parse(schemaText);
        String canonical = schema.toString();
        writeLock.lock();
        try {
            for (int attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
                store.catchUp();
                Optional<RegistryState.Version> existing = state.find(subject, canonical);
                if (existing.isPresent()) {
                    return registered(existing.get());
                }
                List<RegistryState.Version> versions = state.versions(subject);
                CompatibilityLevel level = state.effectiveLevel(subject);
                CompatibilityResult result = CompatibilityChecker.check(level, schema, earlier(versions));
                if (!result.compatible()) {
                    throw SchemaRegistryException.incompatible("Schema being registered is incompatible with an"
                            + " earlier schema for subject \"" + subject + "\" (compatibility " + level + "), details: "
                            + result.messages());
                }
                int id = state.idOf(canonical).orElse(state.maxId() + 1);
                // above the soft-deleted versions too, as Confluent's registry numbers them
                int version = state.highestVersion(subject) + 1;
                store.append(new StoreEntry.SchemaVersion(subject, version, id, canonical));
                Optional<RegistryState.Version> mine = state.find(subject, canonical);
                if (mine.isPresent()) {
                    return registered(mine.get());
                }
                log.info("registration of a schema under '{}' lost a race for id {} / version {}; retrying",
                        subject, id, version);
            }
            throw SchemaRegistryException.storeError("could not register a schema under '" + subject + "' after "
                    + MAX_WRITE_ATTEMPTS + " attempts: other registries keep claiming the same ids", null);
        } finally {
            writeLock.unlock();
        }
    }

    /** The version of the subject that holds this schema. */
    public RegisteredSchema lookup(String subject, String schemaText) {
        return lookup(subject, schemaText, false);
    }

    /** As {@link #lookup(String, String)}; with {@code includeDeleted}, soft-deleted versions count too. */
    public RegisteredSchema lookup(String subject, String schemaText, boolean includeDeleted) {
        Schema schema = parse(schemaText);
        if (state.versions(subject, includeDeleted).isEmpty()) {
            throw SchemaRegistryException.subjectNotFound(subject);
        }
        return state.find(subject, schema.toString(), includeDeleted).map(this::registered)
                .orElseThrow(() -> SchemaRegistryException.schemaNotFound("Schema not found"));
    }

    public Schema schemaById(int id) {
        return schemaTextById(id).map(text -> parsed(id, text))
                .orElseThrow(() -> SchemaRegistryException.schemaNotFound("Schema " + id + " not found"));
    }

    public Optional<String> schemaTextById(int id) {
        return state.schemaById(id);
    }

    /** Subjects with a version that is not deleted. */
    public List<String> subjects() {
        return subjects(false);
    }

    /** Subjects; with {@code includeDeleted} ({@code ?deleted=true}), soft-deleted ones too. */
    public List<String> subjects(boolean includeDeleted) {
        return state.subjects(includeDeleted);
    }

    public List<Integer> versions(String subject) {
        return versions(subject, false);
    }

    /** The subject's version numbers; 404 / 40401 when it has none (soft-deleted ones count only when asked). */
    public List<Integer> versions(String subject, boolean includeDeleted) {
        return existing(subject, includeDeleted).stream().map(RegistryState.Version::version).toList();
    }

    public RegisteredSchema latest(String subject) {
        List<RegistryState.Version> versions = existing(subject, false);
        return registered(versions.get(versions.size() - 1));
    }

    public RegisteredSchema version(String subject, int version) {
        return version(subject, version, false);
    }

    private RegisteredSchema version(String subject, int version, boolean includeDeleted) {
        return existing(subject, includeDeleted).stream().filter(v -> v.version() == version).findFirst()
                .map(this::registered).orElseThrow(() -> SchemaRegistryException.versionNotFound(version));
    }

    /** A version given as Confluent's path does: a number, {@code latest} or {@code -1}. */
    public RegisteredSchema version(String subject, String versionSpec) {
        return version(subject, versionSpec, false);
    }

    /** As {@link #version(String, String)}; with {@code includeDeleted}, soft-deleted versions are found too. */
    public RegisteredSchema version(String subject, String versionSpec, boolean includeDeleted) {
        int version = parseVersion(versionSpec);
        if (version != LATEST) {
            return version(subject, version, includeDeleted);
        }
        List<RegistryState.Version> versions = existing(subject, includeDeleted);
        return registered(versions.get(versions.size() - 1));
    }

    // --- deletion ---

    /**
     * Confluent's {@code DELETE /subjects/{subject}}: soft-deletes every version that is not
     * deleted yet (and the subject's own compatibility level, as Confluent does), or, with
     * {@code permanent}, removes every version once all are soft-deleted. Returns the version
     * numbers it deleted. Errors: 40401 unknown subject, 40404 a soft delete of a subject already
     * soft-deleted, 40405 a permanent delete of a subject with a version not soft-deleted first.
     */
    public List<Integer> deleteSubject(String subject, boolean permanent) {
        writeLock.lock();
        try {
            store.catchUp();
            List<RegistryState.Version> all = state.versions(subject, true);
            if (all.isEmpty()) {
                throw SchemaRegistryException.subjectNotFound(subject);
            }
            List<Integer> targets;
            if (permanent) {
                if (all.stream().anyMatch(v -> !v.deleted())) {
                    throw SchemaRegistryException.subjectNotSoftDeleted(subject);
                }
                targets = all.stream().map(RegistryState.Version::version).toList();
            } else {
                targets = all.stream().filter(v -> !v.deleted()).map(RegistryState.Version::version).toList();
                if (targets.isEmpty()) {
                    throw SchemaRegistryException.subjectSoftDeleted(subject);
                }
            }
            List<StoreEntry> entries = new ArrayList<>();
            targets.forEach(v -> entries.add(new StoreEntry.VersionDeletion(subject, v, permanent)));
            if (!permanent && state.subjectLevel(subject).isPresent()) {
                entries.add(new StoreEntry.CompatibilityConfig(subject, null));
            }
            store.appendAll(entries);
            return targets;
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Confluent's {@code DELETE /subjects/{subject}/versions/{version}} ({@code latest}: the newest
     * version not deleted for a soft delete, the newest one for a permanent delete). Returns the
     * version number. Errors: 40401 unknown subject, 40402 unknown version, 40406 a soft delete of a
     * version already soft-deleted, 40407 a permanent delete of a version not soft-deleted first,
     * 42202 an invalid version. Soft-deleting the last version that is not deleted also drops the
     * subject's own compatibility level, as Confluent does.
     */
    public int deleteVersion(String subject, String versionSpec, boolean permanent) {
        int version = parseVersion(versionSpec);
        writeLock.lock();
        try {
            store.catchUp();
            List<RegistryState.Version> all = state.versions(subject, true);
            if (all.isEmpty()) {
                throw SchemaRegistryException.subjectNotFound(subject);
            }
            RegistryState.Version target;
            if (version == LATEST) {
                List<RegistryState.Version> live = all.stream().filter(v -> !v.deleted()).toList();
                target = !permanent && !live.isEmpty() ? live.get(live.size() - 1) : all.get(all.size() - 1);
            } else {
                target = all.stream().filter(v -> v.version() == version).findFirst()
                        .orElseThrow(() -> SchemaRegistryException.versionNotFound(version));
            }
            if (!permanent && target.deleted()) {
                throw SchemaRegistryException.versionSoftDeleted(subject, target.version());
            }
            if (permanent && !target.deleted()) {
                throw SchemaRegistryException.versionNotSoftDeleted(subject, target.version());
            }
            List<StoreEntry> entries = new ArrayList<>();
            entries.add(new StoreEntry.VersionDeletion(subject, target.version(), permanent));
            boolean lastLive = all.stream().filter(v -> !v.deleted()).count() == 1;
            if (!permanent && lastLive && state.subjectLevel(subject).isPresent()) {
                entries.add(new StoreEntry.CompatibilityConfig(subject, null));
            }
            store.appendAll(entries);
            return target.version();
        } finally {
            writeLock.unlock();
        }
    }

    // --- compatibility ---

    public CompatibilityLevel globalCompatibility() {
        return state.globalLevel();
    }

    /** The subject's own level, empty when it follows the global one. */
    public Optional<CompatibilityLevel> subjectCompatibility(String subject) {
        return state.subjectLevel(subject);
    }

    public CompatibilityLevel effectiveCompatibility(String subject) {
        return state.effectiveLevel(subject);
    }

    public void setGlobalCompatibility(CompatibilityLevel level) {
        write(new StoreEntry.CompatibilityConfig(null, level));
    }

    public void setSubjectCompatibility(String subject, CompatibilityLevel level) {
        write(new StoreEntry.CompatibilityConfig(subject, level));
    }

    /** Removes the subject's own level; returns it (404 / 40408 when it had none). */
    public CompatibilityLevel deleteSubjectCompatibility(String subject) {
        CompatibilityLevel previous = state.subjectLevel(subject)
                .orElseThrow(() -> SchemaRegistryException.subjectCompatibilityNotConfigured(subject));
        write(new StoreEntry.CompatibilityConfig(subject, null));
        return previous;
    }

    /**
     * Confluent's compatibility test. Against {@code latest}: the same check registration makes
     * (all versions for transitive levels). Against a given version: that version only, in the
     * level's direction(s).
     */
    public CompatibilityResult testCompatibility(String subject, String versionSpec, String schemaText) {
        int version = versionSpec == null ? LATEST : parseVersion(versionSpec);
        Schema schema = parse(schemaText);
        List<RegistryState.Version> versions = state.versions(subject);
        CompatibilityLevel level = state.effectiveLevel(subject);
        if (version == LATEST) {
            return CompatibilityChecker.check(level, schema, earlier(versions));
        }
        if (versions.isEmpty()) {
            throw SchemaRegistryException.subjectNotFound(subject);
        }
        RegistryState.Version old = versions.stream().filter(v -> v.version() == version).findFirst()
                .orElseThrow(() -> SchemaRegistryException.versionNotFound(version));
        CompatibilityLevel direct = switch (level) {
            case BACKWARD_TRANSITIVE -> CompatibilityLevel.BACKWARD;
            case FORWARD_TRANSITIVE -> CompatibilityLevel.FORWARD;
            case FULL_TRANSITIVE -> CompatibilityLevel.FULL;
            default -> level;
        };
        return CompatibilityChecker.check(direct, schema,
                List.of(new CompatibilityChecker.Earlier(old.version(), parsed(old.id(), old.schema()))));
    }

    @Override
    public void close() {
        store.close();
    }

    // --- helpers ---

    private static final int LATEST = -1;

    private static int parseVersion(String spec) {
        if (spec == null || "latest".equalsIgnoreCase(spec.trim())) {
            return LATEST;
        }
        try {
            int v = Integer.parseInt(spec.trim());
            if (v == LATEST || v >= 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw SchemaRegistryException.invalidVersion(spec);
    }

    private void write(StoreEntry entry) {
        writeLock.lock();
        try {
            store.append(entry);
        } finally {
            writeLock.unlock();
        }
    }

    private List<RegistryState.Version> existing(String subject, boolean includeDeleted) {
        List<RegistryState.Version> versions = state.versions(subject, includeDeleted);
        if (versions.isEmpty()) {
            throw SchemaRegistryException.subjectNotFound(subject);
        }
        return versions;
    }

    private List<CompatibilityChecker.Earlier> earlier(List<RegistryState.Version> versions) {
        return versions.stream()
                .map(v -> new CompatibilityChecker.Earlier(v.version(), parsed(v.id(), v.schema())))
                .toList();
    }

    private RegisteredSchema registered(RegistryState.Version v) {
        return new RegisteredSchema(v.subject(), v.version(), v.id(), parsed(v.id(), v.schema()));
    }

    private Schema parsed(int id, String text) {
        return parsedById.computeIfAbsent(id, i -> new Schema.Parser().parse(text));
    }

    /** Parses schema text as registration does; 422 / 42201 with Avro's reason when it is not valid. */
    public static Schema parse(String schemaText) {
        if (schemaText == null || schemaText.isBlank()) {
            throw SchemaRegistryException.invalidSchema("Invalid schema: empty schema text");
        }
        try {
            return new Schema.Parser().parse(schemaText);
        } catch (RuntimeException e) {
            // SchemaParseException, AvroTypeException for a bad default, or Jackson's own complaints
            throw SchemaRegistryException.invalidSchema("Invalid schema " + abbreviate(schemaText) + ", details: "
                    + e.getMessage());
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }
}
