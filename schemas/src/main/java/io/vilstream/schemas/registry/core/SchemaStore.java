package io.vilstream.schemas.registry.core;

import java.util.List;
import java.util.function.Consumer;

/**
 * Where a registry keeps its changes: an ordered log of {@link StoreEntry}s, replayed into the
 * registry's state at start and then followed. The in-memory store applies an entry at once; the
 * Kafka store ({@code registry.server.KafkaSchemaStore}) produces it to the {@code _vilstream_schemas}
 * topic and applies what its consumer reads, so several registries share one history.
 */
public interface SchemaStore extends AutoCloseable {

    /**
     * Delivers every stored entry to {@code sink}, in order, and keeps delivering new ones;
     * returns once the entries that existed at the call have been delivered.
     */
    void start(Consumer<StoreEntry> sink);

    /** Stores the entry and returns once the sink has received it (read-your-writes). */
    void append(StoreEntry entry);

    /**
     * Stores the entries in order and returns once the sink has received them all; the default
     * appends one at a time, a store with a round trip per write sends them together.
     */
    default void appendAll(List<StoreEntry> entries) {
        entries.forEach(this::append);
    }

    /** Returns once every entry stored anywhere before the call has been delivered. */
    void catchUp();

    @Override
    void close();
}
