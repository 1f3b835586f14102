package io.vilstream.schemas.registry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.vilstream.schemas.registry.core.SchemaRegistryCore;

/**
 * The in-memory registries behind {@code schema.registry.url=mock://scope}: one per scope name,
 * shared by every serde and client of that scope in this JVM, as Confluent's MockSchemaRegistry
 * does. This is the project's one deliberate piece of static mutable state: a serializer and a
 * deserializer configured separately (in a Streams app, say) can only meet through it. Tests use
 * a fresh scope name each, or {@link #drop} the scope when done.
 */
public final class MockSchemaRegistry {

    private static final Map<String, SchemaRegistryCore> SCOPES = new ConcurrentHashMap<>();

    private MockSchemaRegistry() {
    }

    /** The registry of the scope, created empty on first use. */
    public static SchemaRegistryCore scope(String scope) {
        return SCOPES.computeIfAbsent(scope, s -> SchemaRegistryCore.inMemory());
    }

    /** A client of the scope's registry. */
    public static SchemaRegistryClient client(String scope) {
        return new LocalSchemaRegistryClient(scope(scope));
    }

    /** Forgets the scope: the next use starts with an empty registry. */
    public static void drop(String scope) {
        SchemaRegistryCore core = SCOPES.remove(scope);
        if (core != null) {
            core.close();
        }
    }
}
