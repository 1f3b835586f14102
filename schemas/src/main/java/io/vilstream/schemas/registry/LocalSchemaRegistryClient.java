package io.vilstream.schemas.registry;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.vilstream.schemas.registry.core.SchemaRegistryCore;
import org.apache.avro.Schema;

/**
 * {@link SchemaRegistryClient} that calls a {@link SchemaRegistryCore} in this JVM: what
 * {@code mock://} URLs give (see {@link MockSchemaRegistry}). Same rules and errors as the HTTP
 * path, without the network.
 */
public final class LocalSchemaRegistryClient implements SchemaRegistryClient {

    private final SchemaRegistryCore core;

    public LocalSchemaRegistryClient(SchemaRegistryCore core) {
        this.core = Objects.requireNonNull(core);
    }

    @Override
    public int register(String subject, Schema schema) {
        return core.register(subject, schema.toString()).id();
    }

    @Override
    public RegisteredSchema lookup(String subject, Schema schema) {
        return core.lookup(subject, schema.toString());
    }

    @Override
    public Schema schemaById(int id) {
        return core.schemaById(id);
    }

    @Override
    public RegisteredSchema latest(String subject) {
        return core.latest(subject);
    }

    @Override
    public RegisteredSchema version(String subject, int version) {
        return core.version(subject, version);
    }

    @Override
    public List<String> subjects() {
        return core.subjects();
    }

    @Override
    public List<Integer> versions(String subject) {
        return core.versions(subject);
    }

    @Override
    public CompatibilityLevel compatibility() {
        return core.globalCompatibility();
    }

    @Override
    public Optional<CompatibilityLevel> compatibility(String subject) {
        return core.subjectCompatibility(subject);
    }

    @Override
    public void setCompatibility(CompatibilityLevel level) {
        core.setGlobalCompatibility(level);
    }

    @Override
    public void setCompatibility(String subject, CompatibilityLevel level) {
        core.setSubjectCompatibility(subject, level);
    }

    @Override
    public List<Integer> deleteSubject(String subject, boolean permanent) {
        return core.deleteSubject(subject, permanent);
    }

    @Override
    public int deleteVersion(String subject, int version, boolean permanent) {
        return core.deleteVersion(subject, Integer.toString(version), permanent);
    }

    @Override
    public CompatibilityResult testCompatibility(String subject, Schema schema) {
        return core.testCompatibility(subject, "latest", schema.toString());
    }
}
