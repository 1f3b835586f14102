package io.vilstream.encoder.models;

import io.vilstream.model.towers.DualEncoder;

/**
 * A model borrowed for one batch. While a lease is open the model is never closed, even if a
 * newer version was swapped in meanwhile; closing the lease gives it back. The stream thread
 * takes it when the batch starts and hands it to the tower worker, which closes it when the batch
 * is encoded: so a batch carries the version served at its start, not at whenever a worker got to it.
 */
public final class ModelLease implements AutoCloseable {

    private final RefCountedModel owner;
    private boolean closed;

    ModelLease(RefCountedModel owner) {
        this.owner = owner;
    }

    public DualEncoder model() {
        return owner.model();
    }

    public long version() {
        return owner.model().version();
    }

    /**
     * Hands this lease's reference over to a new holder (see {@link SwappableModel#fixedOn}): the
     * lease is closed without giving the model back; the holder does.
     */
    RefCountedModel transfer() {
        if (closed) {
            throw new IllegalStateException("the lease is closed");
        }
        closed = true;
        return owner;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            owner.release();
        }
    }
}
