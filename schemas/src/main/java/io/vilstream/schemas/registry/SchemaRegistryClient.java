package io.vilstream.schemas.registry;

import java.util.List;
import java.util.Optional;

import org.apache.avro.Schema;

/**
 * A Confluent-API schema registry as the serde and the tools see it. Implementations:
 * {@link HttpSchemaRegistryClient} (any Confluent-compatible server, the embedded one included)
 * and {@link LocalSchemaRegistryClient} (a registry in this JVM, behind {@code mock://} URLs).
 * Every failure is a {@link SchemaRegistryException} carrying Confluent's status and error code.
 */
public interface SchemaRegistryClient extends AutoCloseable {

    /** Registers the schema under the subject (idempotent for an identical schema); returns its id. */
    int register(String subject, Schema schema);

    /** The version of the subject that holds this schema (404: 40401 or 40403 when there is none). */
    RegisteredSchema lookup(String subject, Schema schema);

    /** The id of a schema already registered under the subject, without registering it. */
    default int idOf(String subject, Schema schema) {
        return lookup(subject, schema).id();
    }

    /** The schema with this global id (404 / 40403 when unknown). */
    Schema schemaById(int id);

    /** The latest version of the subject. */
    RegisteredSchema latest(String subject);

    /** One version of the subject. */
    RegisteredSchema version(String subject, int version);

    /** All subjects, sorted. */
    List<String> subjects();

    /** The versions of a subject, ascending. */
    List<Integer> versions(String subject);

    /** The global compatibility level. */
    CompatibilityLevel compatibility();

    /** The subject's own level, empty when the subject follows the global one. */
    Optional<CompatibilityLevel> compatibility(String subject);

    void setCompatibility(CompatibilityLevel level);

    void setCompatibility(String subject, CompatibilityLevel level);

    /** Whether the schema could be registered under the subject now (checked as registration would). */
    CompatibilityResult testCompatibility(String subject, Schema schema);

    /**
     * Deletes the subject as Confluent's {@code DELETE /subjects/{subject}} does: soft (its versions
     * hidden, their ids still resolvable), or {@code permanent} once soft-deleted. Returns the
     * version numbers deleted.
     */
    List<Integer> deleteSubject(String subject, boolean permanent);

    /** Deletes one version (soft, or {@code permanent} once soft-deleted); returns its number. */
    int deleteVersion(String subject, int version, boolean permanent);

    /** Releases connections; the default does nothing. */
    @Override
    default void close() {
    }

    /** A client for the configured URL(s): {@code mock://scope} or http(s) URLs. */
    static SchemaRegistryClient create(RegistryClientConfig config) {
        return config.mockScope()
                .<SchemaRegistryClient>map(MockSchemaRegistry::client)
                .orElseGet(() -> new HttpSchemaRegistryClient(config));
    }
}
