package io.vilstream.trainer.gate;

import java.util.Arrays;
import java.util.Locale;

import io.vilstream.model.eval.RetrievalMetrics;

/**
 * The single number the gate compares. The default averages R@1, R@5 and R@10 in both
 * directions: R@10 alone saturates on a small validation set (every item is in the top 10 of
 * a gallery of 10), R@1 alone is noisy; the mean moves with both.
 */
public enum GateMetric {
    MEAN_RECALL("mean_recall"),
    R10("r10"),
    R1("r1");

    private final String id;

    GateMetric(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public double score(RetrievalMetrics m) {
        return switch (this) {
            case MEAN_RECALL -> m.meanRecall();
            case R10 -> (m.i2t().r10() + m.t2i().r10()) / 2;
            case R1 -> (m.i2t().r1() + m.t2i().r1()) / 2;
        };
    }

    public static String[] ids() {
        return Arrays.stream(values()).map(GateMetric::id).toArray(String[]::new);
    }

    public static GateMetric parse(String text) {
        String key = text.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(p -> p.id.equals(key)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("unknown gate metric '" + text + "', expected one of " + String.join(", ", ids())));
    }
}
