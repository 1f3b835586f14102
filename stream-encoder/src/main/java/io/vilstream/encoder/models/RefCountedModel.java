package io.vilstream.encoder.models;

import java.util.concurrent.atomic.AtomicInteger;

import io.vilstream.model.towers.DualEncoder;

/**
 * A model with a reference count: the source holds one reference while the model is current,
 * each open lease holds one more; the native memory is freed when the last one goes.
 */
final class RefCountedModel {

    private final DualEncoder model;
    private final AtomicInteger refs = new AtomicInteger(1);

    RefCountedModel(DualEncoder model) {
        this.model = model;
    }

    DualEncoder model() {
        return model;
    }

    /** Takes a reference unless the model is already being freed. */
    boolean tryRetain() {
        while (true) {
            int n = refs.get();
            if (n <= 0) {
                return false;
            }
            if (refs.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    void release() {
        if (refs.decrementAndGet() == 0) {
            model.close();
        }
    }
}
