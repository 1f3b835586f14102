package io.vilstream.encoder.mining;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.vilstream.model.vectors.SimilarityKernel;
import io.vilstream.schemas.avro.Negative;

/**
 * ANCE-style hard-negative mining with the deployed model: a bounded ring of recent image
 * embeddings of one model version; for a new item, the {@code k} most similar images that are
 * not the item itself and reach {@code floor}. Embeddings of different versions live in
 * different spaces, so the ring empties when the version changes.
 *
 * <p>The ring is one flat array scanned in blocks that stay in the CPU cache while every query
 * of the batch is scored against them with the Vector API kernel (the retriever's): a batch
 * reads the ring from memory once. The first version scored each pair with a scalar loop and
 * cost about as much as encoding the batch (docs/BENCHMARKS.md, encoder).
 *
 * <p>Shared by the stream threads of one instance (synchronised): it is a cache of the recent
 * stream, not replicated state; after a restart it refills from new items.
 */
public final class HardNegativeMiner {

    /** Rows per block: 256 rows × 256 floats = 256 KiB, within a core's L2 cache. */
    private static final int BLOCK_ROWS = 256;

    private final int capacity;
    private final int k;
    private final float floor;
    private final SimilarityKernel kernel;
    private final String[] ids;
    private float[] ring = new float[0];
    private int dim = -1;
    private int size;
    private int next;
    private long version = Long.MIN_VALUE;

    public HardNegativeMiner(int capacity, int k, float floor) {
        this(capacity, k, floor, SimilarityKernel.fastest());
    }

    public HardNegativeMiner(int capacity, int k, float floor, SimilarityKernel kernel) {
        if (capacity < 1 || k < 1) {
            throw new IllegalArgumentException("capacity and k must be positive");
        }
        this.capacity = capacity;
        this.k = k;
        this.floor = floor;
        this.kernel = kernel;
        this.ids = new String[capacity];
    }

    /**
     * Adds a batch of a version's image embeddings, then mines negatives for each of them
     * (other items of the same batch count as candidates).
     *
     * @return per item, the negatives (most similar first, each id once); empty when none reaches the floor
     */
    public synchronized List<List<Negative>> addAndMine(long modelVersion, List<String> batchIds, float[][] batchVectors) {
        if (batchIds.size() != batchVectors.length) {
            throw new IllegalArgumentException(batchIds.size() + " ids for " + batchVectors.length + " vectors");
        }
        if (batchVectors.length == 0) {
            return List.of();
        }
        int d = batchVectors[0].length;
        if (modelVersion != version || d != dim) {
            size = 0;
            next = 0;
            version = modelVersion;
            if (d != dim) {
                dim = d;
                ring = new float[Math.multiplyExact(capacity, d)];
            }
        }
        for (int i = 0; i < batchVectors.length; i++) {
            if (batchVectors[i].length != dim) {
                throw new IllegalArgumentException("vector " + i + " has " + batchVectors[i].length + " dimensions, not " + dim);
            }
            ids[next] = batchIds.get(i);
            System.arraycopy(batchVectors[i], 0, ring, next * dim, dim);
            next = (next + 1) % capacity;
            size = Math.min(capacity, size + 1);
        }
        int n = batchVectors.length;
        Best[] best = new Best[n];
        for (int q = 0; q < n; q++) {
            best[q] = new Best(k);
        }
        float[] scores = new float[BLOCK_ROWS];
        for (int first = 0; first < size; first += BLOCK_ROWS) {
            int rows = Math.min(BLOCK_ROWS, size - first);
            for (int q = 0; q < n; q++) {
                kernel.scores(batchVectors[q], ring, first, rows, dim, scores);
                String self = batchIds.get(q);
                Best b = best[q];
                for (int r = 0; r < rows; r++) {
                    float s = scores[r];
                    if (s >= floor && b.wouldTake(s) && !ids[first + r].equals(self)) {
                        b.offer(s, first + r);
                    }
                }
            }
        }
        List<List<Negative>> out = new ArrayList<>(n);
        for (Best b : best) {
            List<Negative> negatives = new ArrayList<>(b.found);
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < b.found; i++) {
                String id = ids[b.rows[i]];
                if (seen.add(id)) {
                    negatives.add(new Negative(id, b.scores[i]));
                }
            }
            out.add(negatives);
        }
        return out;
    }

    public synchronized int size() {
        return size;
    }

    /** The k best (score, row) pairs seen, best first. */
    private static final class Best {
        final float[] scores;
        final int[] rows;
        int found;

        Best(int k) {
            scores = new float[k];
            rows = new int[k];
        }

        boolean wouldTake(float s) {
            return found < scores.length || s > scores[scores.length - 1];
        }

        void offer(float s, int row) {
            int pos = found < scores.length ? found++ : scores.length - 1;
            while (pos > 0 && scores[pos - 1] < s) {
                scores[pos] = scores[pos - 1];
                rows[pos] = rows[pos - 1];
                pos--;
            }
            scores[pos] = s;
            rows[pos] = row;
        }
    }
}
