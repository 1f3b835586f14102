package io.vilstream.model.eval;

import java.util.Arrays;

/**
 * Hubness-corrected ranking (cross-domain similarity local scaling, CSLS). Images trained into a
 * frozen text space leave a few gallery items near very many queries ("hubs"): they crowd the
 * top of every ranking and push the right answer down. Each gallery item's score is lowered by
 * a share of its hubness, the mean similarity of its {@code k} nearest neighbours in a bank of
 * the query's modality:
 *
 * <pre>score(q, g) = cos(q, g) − weight · mean of the k largest cos(g, b), b in the bank</pre>
 *
 * The bank is the gallery's other modality: when a caption ranks the images, an image's hubness
 * is measured against the captions of the same gallery, and the other way round. The query's own
 * hubness is left out, since it is the same for every candidate and cannot change a ranking.
 * With weight ½ this is CSLS's {@code 2cos − r(q) − r(g)} up to a constant factor.
 *
 * <p>The evaluator (bench, gate, demo table) and the retriever score with the same correction,
 * so the recall they report is the recall the search API serves (docs/LEARNING.md
 * "Hubness-corrected ranking").
 *
 * @param k      neighbours in the bank averaged into an item's hubness; 0 turns the correction off
 * @param weight share of the hubness subtracted
 */
public record HubnessCorrection(int k, float weight) {

    /** Plain cosine ranking. */
    public static final HubnessCorrection NONE = new HubnessCorrection(0, 0f);

    /** What the evaluator and the retriever use unless told otherwise. */
    public static final HubnessCorrection DEFAULT = new HubnessCorrection(5, 0.5f);

    public HubnessCorrection {
        if (k < 0) {
            throw new IllegalArgumentException("hubness k must be 0 (off) or positive, got " + k);
        }
        if (!(weight >= 0 && weight <= 1)) {
            throw new IllegalArgumentException("hubness weight must be in [0, 1], got " + weight);
        }
    }

    public boolean enabled() {
        return k > 0 && weight > 0;
    }

    /**
     * The amount subtracted from a gallery item's scores, from its similarities to the bank
     * (any order; fewer than k similarities are averaged as they are). The array is not changed.
     */
    public float penalty(float[] similaritiesToBank) {
        if (!enabled() || similaritiesToBank.length == 0) {
            return 0f;
        }
        float[] s = similaritiesToBank.clone();
        Arrays.sort(s);
        int take = Math.min(k, s.length);
        double sum = 0;
        for (int i = 0; i < take; i++) {
            sum += s[s.length - 1 - i];
        }
        return (float) (weight * sum / take);
    }

    /** The penalty of each row of {@code sim}, as gallery items whose bank is the columns. */
    public float[] rowPenalties(float[][] sim) {
        float[] p = new float[sim.length];
        for (int r = 0; r < sim.length; r++) {
            p[r] = penalty(sim[r]);
        }
        return p;
    }

    /** The penalty of each column of {@code sim}, as gallery items whose bank is the rows. */
    public float[] columnPenalties(float[][] sim) {
        int n = sim.length == 0 ? 0 : sim[0].length;
        float[] p = new float[n];
        float[] col = new float[sim.length];
        for (int c = 0; c < n; c++) {
            for (int r = 0; r < sim.length; r++) {
                col[r] = sim[r][c];
            }
            p[c] = penalty(col);
        }
        return p;
    }
}
