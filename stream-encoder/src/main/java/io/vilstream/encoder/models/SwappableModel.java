package io.vilstream.encoder.models;

import java.util.concurrent.atomic.AtomicReference;

import io.vilstream.model.towers.DualEncoder;

/**
 * The model every batch of one encoder instance borrows, replaceable at any time without a
 * restart: a swap takes effect for the next lease, batches in flight finish on the version they
 * started with, and the old version is freed after its last batch. So records before a swap are
 * encoded with version N and records after it with N+1, never a mix within a batch.
 */
public final class SwappableModel implements AutoCloseable {

    private final AtomicReference<RefCountedModel> current;

    public SwappableModel(DualEncoder initial) {
        this(new RefCountedModel(initial));
    }

    private SwappableModel(RefCountedModel initial) {
        this.current = new AtomicReference<>(initial);
    }

    /**
     * A source that shares the model {@code lease} holds instead of loading it again (a backfill of
     * the version the live encoder has just swapped in): the lease's reference becomes this
     * source's, so the model stays open, even after the live encoder swaps past it, until this
     * source is closed.
     */
    public static SwappableModel fixedOn(ModelLease lease) {
        return new SwappableModel(lease.transfer());
    }

    /** Borrows the current model for one batch. */
    public ModelLease acquire() {
        while (true) {
            RefCountedModel m = current.get();
            if (m == null) {
                throw new IllegalStateException("the model source is closed");
            }
            if (m.tryRetain()) {
                return new ModelLease(m);
            }
            // swapped and freed between get() and retain: read the new one
        }
    }

    /** Makes {@code next} current; the previous model is freed once no batch uses it. */
    public void swap(DualEncoder next) {
        RefCountedModel old = current.getAndSet(new RefCountedModel(next));
        if (old != null) {
            old.release();
        }
    }

    public long version() {
        RefCountedModel m = current.get();
        return m == null ? -1 : m.model().version();
    }

    @Override
    public void close() {
        RefCountedModel old = current.getAndSet(null);
        if (old != null) {
            old.release();
        }
    }
}
