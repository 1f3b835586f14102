package io.vilstream.trainer.gate;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The gate's verdict on a candidate, with the evaluations behind it and the reason recorded in
 * the version's {@code reason} field.
 *
 * @param baseline        the served version's evaluation on the same validation set
 * @param baselineVersion the served version
 * @param best            the best promoted version and its score on the same validation set, before this verdict
 * @param threshold       the score the candidate needed
 */
public record GateDecision(boolean promote, String reason, Evaluation candidate, Evaluation baseline,
                           long baselineVersion, BestScore best, double threshold) {

    /** Whether the candidate, once published, is the lineage's new best (promoted and strictly above the old best). */
    public boolean newBest() {
        return promote && candidate.score() > best.score();
    }

    /**
     * The gate's keys for {@code ModelVersion.metrics}: the best the candidate was judged against
     * and the threshold. With {@code val.score} they tell, from the record alone, which version
     * was the best once this one was published ({@link RecordedBest#after}).
     */
    public Map<String, Double> metrics() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(RecordedBest.BEST_VERSION, (double) best.version());
        m.put(RecordedBest.BEST_SCORE, best.score());
        m.put("gate.threshold", threshold);
        return m;
    }
}
