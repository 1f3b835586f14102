package io.vilstream.retriever.versions;

import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import io.vilstream.model.image.ImageDecoder;
import io.vilstream.model.image.ImageRejectedException;
import io.vilstream.model.towers.DualEncoder;

/**
 * The query side of one model version: its text and image towers and its image preprocessing.
 * A query is always encoded by the towers of the version whose index it searches. Closing frees
 * native memory, so encoding holds a read lock and closing the write lock: a version evicted
 * while a query is in flight waits for that query instead of crashing it.
 */
public final class QueryEncoder implements AutoCloseable {

    private final long version;
    private final DualEncoder model;
    private final ImageDecoder decoder;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    public QueryEncoder(long version, DualEncoder model, ImageDecoder.Limits limits) {
        this.version = version;
        this.model = model;
        this.decoder = new ImageDecoder(model.config().imageSize(), limits);
    }

    public long version() {
        return version;
    }

    public int dimension() {
        return model.config().embeddingDim();
    }

    public float[] encodeText(String text) {
        lock.readLock().lock();
        try {
            ensureOpen();
            return model.encodeTexts(List.of(text))[0];
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Decodes (limits checked first) and embeds an image. */
    public float[] encodeImage(byte[] bytes) throws ImageRejectedException {
        float[] tensor = decoder.decode(bytes);
        lock.readLock().lock();
        try {
            ensureOpen();
            return model.encodeImages(List.of(tensor))[0];
        } finally {
            lock.readLock().unlock();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new VersionUnavailableException("the towers of version " + version + " were released");
        }
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                model.close();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }
}
