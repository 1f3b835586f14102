package io.vilstream.trainer.gate;

import java.util.List;
import java.util.Locale;

import io.vilstream.model.eval.RetrievalEvaluator;
import io.vilstream.model.eval.RetrievalMetrics;
import io.vilstream.model.eval.TaggerMetrics;
import io.vilstream.model.towers.DualEncoder;
import io.vilstream.model.views.TrainingItem;

/**
 * The promotion gate (METHOD.md "Online training"): the candidate and the promoted version are
 * evaluated on the same validation set; the candidate is promoted only if its score is not
 * below the promoted one's by more than the tolerance, and never if its weights diverged or its
 * score is not a number. Ties are pessimistic in the evaluator, so a collapsed model scores
 * near zero rather than looking good.
 */
public final class Gate {

    private final GateMetric metric;
    private final double tolerance;

    public Gate(GateMetric metric, double tolerance) {
        this.metric = metric;
        this.tolerance = tolerance;
    }

    public Evaluation evaluate(DualEncoder model, List<TrainingItem> validation, long revision) {
        RetrievalMetrics r = RetrievalEvaluator.evaluate(model, validation);
        TaggerMetrics t = RetrievalEvaluator.tagger(model, validation);
        return new Evaluation(r, t, metric.score(r), revision);
    }

    public GateDecision decide(Evaluation candidate, Evaluation baseline, long baselineVersion, boolean diverged) {
        String versus = String.format(Locale.ROOT, "%s %.4f vs promoted v%d %.4f (tolerance %.4f, %d val items)",
                metric.id(), candidate.score(), baselineVersion, baseline.score(), tolerance,
                candidate.retrieval().queries());
        if (diverged) {
            return new GateDecision(false, "rejected: training diverged (non-finite weights); " + versus,
                    candidate, baseline, baselineVersion);
        }
        if (Double.isNaN(candidate.score())) {
            return new GateDecision(false, "rejected: score is not a number; " + versus, candidate, baseline, baselineVersion);
        }
        boolean promote = candidate.score() >= baseline.score() - tolerance;
        return new GateDecision(promote, (promote ? "promoted: " : "rejected: worse than promoted; ") + versus,
                candidate, baseline, baselineVersion);
    }

    public GateMetric metric() {
        return metric;
    }
}
