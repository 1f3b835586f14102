package io.vilstream.encoder.mining;

import java.util.ArrayList;
import java.util.List;

import io.vilstream.schemas.avro.Negative;

/**
 * ANCE-style hard-negative mining with the deployed model: a bounded ring of recent image
 * embeddings of one model version; for a new item, the {@code k} most similar images that are
 * not the item itself and reach {@code floor}. Embeddings of different versions live in
 * different spaces, so the ring empties when the version changes.
 *
 * <p>Shared by the stream threads of one instance (synchronised): it is a cache of the recent
 * stream, not replicated state; after a restart it refills from new items.
 */
public final class HardNegativeMiner {

    private final int capacity;
    private final int k;
    private final float floor;
    private final String[] ids;
    private final float[][] vectors;
    private int size;
    private int next;
    private long version = Long.MIN_VALUE;

    public HardNegativeMiner(int capacity, int k, float floor) {
        if (capacity < 1 || k < 1) {
            throw new IllegalArgumentException("capacity and k must be positive");
        }
        this.capacity = capacity;
        this.k = k;
        this.floor = floor;
        this.ids = new String[capacity];
        this.vectors = new float[capacity][];
    }

    /**
     * Adds a batch of a version's image embeddings, then mines negatives for each of them
     * (other items of the same batch count as candidates).
     *
     * @return per item, the negatives (most similar first); empty when none reaches the floor
     */
    public synchronized List<List<Negative>> addAndMine(long modelVersion, List<String> batchIds, float[][] batchVectors) {
        if (modelVersion != version) {
            size = 0;
            next = 0;
            version = modelVersion;
        }
        for (int i = 0; i < batchIds.size(); i++) {
            ids[next] = batchIds.get(i);
            vectors[next] = batchVectors[i];
            next = (next + 1) % capacity;
            size = Math.min(capacity, size + 1);
        }
        List<List<Negative>> out = new ArrayList<>(batchIds.size());
        for (int i = 0; i < batchIds.size(); i++) {
            out.add(mine(batchIds.get(i), batchVectors[i]));
        }
        return out;
    }

    private List<Negative> mine(String id, float[] q) {
        int[] best = new int[k];
        float[] scores = new float[k];
        int found = 0;
        for (int j = 0; j < size; j++) {
            if (ids[j].equals(id)) {
                continue;
            }
            float s = dot(q, vectors[j]);
            if (s < floor) {
                continue;
            }
            int pos = found < k ? found++ : k;
            if (pos == k) {
                if (s <= scores[k - 1]) {
                    continue;
                }
                pos = k - 1;
            }
            while (pos > 0 && scores[pos - 1] < s) {
                scores[pos] = scores[pos - 1];
                best[pos] = best[pos - 1];
                pos--;
            }
            scores[pos] = s;
            best[pos] = j;
        }
        List<Negative> negatives = new ArrayList<>(found);
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int n = 0; n < found; n++) {
            if (seen.add(ids[best[n]])) {
                negatives.add(new Negative(ids[best[n]], scores[n]));
            }
        }
        return negatives;
    }

    public synchronized int size() {
        return size;
    }

    static float dot(float[] a, float[] b) {
        float s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
