package io.vilstream.model.eval;

/** Recall@1/5/10 of one retrieval direction, fractions in 0..1. */
public record Recall(double r1, double r5, double r10) {

    /** Recall@K from 0-based ranks of the correct answers. */
    public static Recall fromRanks(int[] ranks) {
        if (ranks.length == 0) {
            return new Recall(0, 0, 0);
        }
        int h1 = 0;
        int h5 = 0;
        int h10 = 0;
        for (int r : ranks) {
            h1 += r < 1 ? 1 : 0;
            h5 += r < 5 ? 1 : 0;
            h10 += r < 10 ? 1 : 0;
        }
        double n = ranks.length;
        return new Recall(h1 / n, h5 / n, h10 / n);
    }

    /** Mean of several runs (e.g. seeds). */
    public static Recall mean(Iterable<Recall> runs) {
        double a = 0;
        double b = 0;
        double c = 0;
        int n = 0;
        for (Recall r : runs) {
            a += r.r1;
            b += r.r5;
            c += r.r10;
            n++;
        }
        return n == 0 ? new Recall(0, 0, 0) : new Recall(a / n, b / n, c / n);
    }
}
