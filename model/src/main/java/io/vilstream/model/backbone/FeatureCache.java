package io.vilstream.model.backbone;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The frozen backbone's sentence features by distinct text, least recently used evicted first,
 * at most {@code capacity} texts. A frozen encoder gives a text the same features every time, so
 * a text seen before (a caption in every epoch, a name queried twice, a keyword phrase drawn
 * again) costs a map look-up instead of a transformer pass. Shared by everything in a process
 * that encodes text with the same backbone: the trainer and the encoder in one JVM fill it for
 * each other.
 *
 * <p>Bounded because the texts of a live stream are not: 32,768 entries of 384 floats are about
 * 55 MB. Thread-safe; the vectors handed out are shared and must not be modified.
 */
public final class FeatureCache {

    private final int capacity;
    private final LinkedHashMap<String, float[]> entries;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();

    public FeatureCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("feature cache capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
                return size() > FeatureCache.this.capacity;
            }
        };
    }

    /** The cached features of a text, or null (counted as a hit or a miss). */
    public float[] get(String text) {
        float[] v;
        synchronized (entries) {
            v = entries.get(text);
        }
        (v == null ? misses : hits).incrementAndGet();
        return v;
    }

    public void put(String text, float[] features) {
        synchronized (entries) {
            entries.put(text, features);
        }
    }

    public int size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    public int capacity() {
        return capacity;
    }

    public long hits() {
        return hits.get();
    }

    public long misses() {
        return misses.get();
    }
}
