package io.vilstream.retriever.index;

import java.util.ArrayList;
import java.util.List;

/**
 * The best k (score, slot) pairs of a stream, in a bounded min-heap on primitive arrays: no
 * boxing in the scan loop over every stored vector.
 */
final class TopK {

    private final float[] scores;
    private final int[] slots;
    private int size;

    TopK(int k) {
        scores = new float[k];
        slots = new int[k];
    }

    /** Offers one candidate. NaN scores never enter. */
    void offer(float score, int slot) {
        if (!(score == score)) {
            return;
        }
        int k = scores.length;
        if (size < k) {
            int i = size++;
            scores[i] = score;
            slots[i] = slot;
            siftUp(i);
        } else if (k > 0 && score > scores[0]) {
            scores[0] = score;
            slots[0] = slot;
            siftDown(0);
        }
    }

    /** The lowest score kept, or -infinity while fewer than k are kept. */
    float threshold() {
        return size < scores.length ? Float.NEGATIVE_INFINITY : scores[0];
    }

    /** The kept pairs, best first, mapped to ids. */
    List<ScoredId> drain(String[] ids) {
        int n = size;
        List<ScoredId> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(null);
        }
        for (int i = n - 1; i >= 0; i--) {
            out.set(i, new ScoredId(ids[slots[0]], scores[0]));
            size--;
            scores[0] = scores[size];
            slots[0] = slots[size];
            siftDown(0);
        }
        return out;
    }

    private void siftUp(int i) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (scores[parent] <= scores[i]) {
                return;
            }
            swap(i, parent);
            i = parent;
        }
    }

    private void siftDown(int i) {
        while (true) {
            int l = 2 * i + 1;
            int r = l + 1;
            int min = i;
            if (l < size && scores[l] < scores[min]) {
                min = l;
            }
            if (r < size && scores[r] < scores[min]) {
                min = r;
            }
            if (min == i) {
                return;
            }
            swap(i, min);
            i = min;
        }
    }

    private void swap(int a, int b) {
        float s = scores[a];
        scores[a] = scores[b];
        scores[b] = s;
        int t = slots[a];
        slots[a] = slots[b];
        slots[b] = t;
    }
}
