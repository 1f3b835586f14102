package io.vilstream.trainer.gate;

/**
 * How well a recall measured on {@code items} validation items pins down the model's recall on
 * items like them: the 95% Wilson score interval. Wilson rather than the textbook p ± z·√(p(1−p)/n)
 * because recalls sit near 0 early in training and near 1 for R@10 on a small gallery, where the
 * textbook interval leaves [0, 1] and collapses to a point at 0 or 1.
 *
 * <p>Exact for one Recall@K in one direction (a proportion of independent items). For the gate's
 * averaged scores (mean_recall, or a mean over directions and renditions) it is conservative: each
 * item contributes the mean of its own indicators, a value in [0, 1] whose variance is at most
 * p(1−p), so the true interval is no wider than this one.
 */
public record RecallInterval(double estimate, double low, double high, int items) {

    /** The two-sided 95% normal quantile. */
    public static final double Z95 = 1.959963984540054;

    /** The 95% Wilson interval of a recall {@code p} measured on {@code n} items. */
    public static RecallInterval wilson(double p, int n) {
        if (n <= 0 || Double.isNaN(p)) {
            return new RecallInterval(p, 0, 1, Math.max(0, n));
        }
        double q = Math.min(1, Math.max(0, p));
        double z2 = Z95 * Z95;
        double denominator = 1 + z2 / n;
        double centre = (q + z2 / (2.0 * n)) / denominator;
        double half = Z95 / denominator * Math.sqrt(q * (1 - q) / n + z2 / (4.0 * n * n));
        // the interval always holds the estimate; at 0 and 1 it touches it exactly (rounding aside)
        return new RecallInterval(p, Math.max(0, Math.min(q, centre - half)), Math.min(1, Math.max(q, centre + half)), n);
    }

    /** The widest 95% interval {@code n} items can give (a recall of one half). */
    public static RecallInterval widest(int n) {
        return wilson(0.5, n);
    }

    public double width() {
        return high - low;
    }
}
