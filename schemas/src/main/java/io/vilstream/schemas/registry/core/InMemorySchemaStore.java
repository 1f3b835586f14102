package io.vilstream.schemas.registry.core;

import java.util.Objects;
import java.util.function.Consumer;

/** A {@link SchemaStore} that keeps nothing but the state itself: for {@code mock://} and tests. */
public final class InMemorySchemaStore implements SchemaStore {

    private Consumer<StoreEntry> sink;

    @Override
    public synchronized void start(Consumer<StoreEntry> sink) {
        this.sink = Objects.requireNonNull(sink);
    }

    @Override
    public synchronized void append(StoreEntry entry) {
        if (sink == null) {
            throw new IllegalStateException("store not started");
        }
        sink.accept(entry);
    }

    @Override
    public void catchUp() {
        // nothing is ever in flight
    }

    @Override
    public void close() {
        // nothing to release
    }
}
