package io.vilstream.trainer.gate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.vilstream.model.eval.Recall;
import io.vilstream.model.eval.RetrievalEvaluator;
import io.vilstream.model.eval.RetrievalMetrics;
import io.vilstream.model.eval.TaggerMetrics;
import io.vilstream.model.towers.DualEncoder;
import io.vilstream.model.views.TrainingItem;
import io.vilstream.trainer.validation.ValidationSet;

/**
 * The promotion gate (docs/LEARNING.md "Online training"), a gate that only moves forward. The candidate,
 * the served version and the best version promoted so far in the lineage are scored on the same
 * validation set; the candidate is promoted only if
 * <pre>
 *   score(candidate) >= score(served) - tolerance   and   score(candidate) >= score(best) - floor
 * </pre>
 * and its weights did not diverge and its score is a number. The tolerance lets a version equal
 * to the served one within noise through; the floor, measured from the best rather than from
 * the version each candidate replaces, is what stops a run of candidates that are each just
 * inside the tolerance from drifting down: no promoted version ever scores more than the floor
 * below the best (on the set both are scored on). Ties are pessimistic in the evaluator, so a
 * collapsed model scores near zero rather than looking good.
 *
 * <p>Retrieval is scored once per image rendition (the first {@code renditions} of each item;
 * an item with fewer repeats its primary) against the items' captions and averaged: the extra
 * renditions are already decoded, so more query images cost one image pass each.
 */
public final class Gate {

    private static final int BATCH = 128;

    private final GateMetric metric;
    private final double tolerance;
    private final double floor;
    private final int renditions;

    /** A gate whose floor equals its tolerance, scoring primary renditions only. */
    public Gate(GateMetric metric, double tolerance) {
        this(metric, tolerance, tolerance, 1);
    }

    /**
     * @param tolerance  how far below the served version's score a candidate may be
     * @param floor      how far below the best promoted version's score a candidate may be
     * @param renditions image renditions per item scored as queries (1 = the primary only)
     */
    public Gate(GateMetric metric, double tolerance, double floor, int renditions) {
        if (renditions < 1) {
            throw new IllegalArgumentException("at least one rendition is scored");
        }
        this.metric = metric;
        this.tolerance = tolerance;
        this.floor = floor;
        this.renditions = renditions;
    }

    public Evaluation evaluate(DualEncoder model, List<TrainingItem> validation, long revision) {
        RetrievalMetrics r = retrieval(model, validation, renditions);
        TaggerMetrics t = RetrievalEvaluator.tagger(model, validation);
        return new Evaluation(r, t, metric.score(r), revision, renditions);
    }

    /** Recall both ways with each of the first {@code renditions} images as the item's image, averaged. */
    static RetrievalMetrics retrieval(DualEncoder model, List<TrainingItem> items, int renditions) {
        if (renditions == 1) {
            return RetrievalEvaluator.evaluate(model, items);
        }
        float[][] texts = RetrievalEvaluator.encodeTexts(model, items);
        List<Recall> i2t = new ArrayList<>();
        List<Recall> t2i = new ArrayList<>();
        for (int r = 0; r < renditions; r++) {
            RetrievalMetrics m = RetrievalEvaluator.fromEmbeddings(encodeImages(model, items, r), texts);
            i2t.add(m.i2t());
            t2i.add(m.t2i());
        }
        return new RetrievalMetrics(Recall.mean(i2t), Recall.mean(t2i), items.size());
    }

    private static float[][] encodeImages(DualEncoder model, List<TrainingItem> items, int rendition) {
        List<float[]> out = new ArrayList<>(items.size());
        for (int from = 0; from < items.size(); from += BATCH) {
            List<float[]> chunk = items.subList(from, Math.min(items.size(), from + BATCH)).stream()
                    .map(i -> i.images().get(Math.min(rendition, i.images().size() - 1))).toList();
            out.addAll(List.of(model.encodeImages(chunk)));
        }
        return out.toArray(new float[0][]);
    }

    /**
     * What a score depends on besides the weights: the validation set's content, the metric and
     * the renditions scored. Two scores with the same fingerprint are comparable. 52 bits, so that
     * it survives as a double in {@code ModelVersion.metrics}.
     */
    public long fingerprint(ValidationSet validation) {
        long h = validation.fingerprint();
        h = h * 31 + metric.id().hashCode();
        h = h * 31 + renditions;
        h ^= h >>> 29;
        h *= 0xbf58476d1ce4e5b9L;
        h ^= h >>> 32;
        return h & ((1L << 52) - 1);
    }

    /** The decision when the served version is also the best. */
    public GateDecision decide(Evaluation candidate, Evaluation served, long servedVersion, boolean diverged) {
        return decide(candidate, served, servedVersion, new BestScore(servedVersion, served.score(), true), diverged);
    }

    public GateDecision decide(Evaluation candidate, Evaluation served, long servedVersion, BestScore best,
                               boolean diverged) {
        double servedBound = served.score() - tolerance;
        double bestBound = best.score() - floor;
        double threshold = Math.max(servedBound, bestBound);
        RecallInterval ci = candidate.interval();
        String versus = String.format(Locale.ROOT,
                "%s %.4f (95%% CI %.4f-%.4f, %d val items x %d renditions) vs promoted v%d %.4f and best v%d %.4f%s; "
                        + "needs >= %.4f (tolerance %.4f, floor %.4f below the best)",
                metric.id(), candidate.score(), ci.low(), ci.high(), candidate.items(), candidate.renditions(),
                servedVersion, served.score(), best.version(), best.score(), best.measured() ? "" : " (recorded)",
                threshold, tolerance, floor);
        if (diverged) {
            return new GateDecision(false, "rejected: training diverged (non-finite weights); " + versus,
                    candidate, served, servedVersion, best, threshold);
        }
        if (Double.isNaN(candidate.score())) {
            return new GateDecision(false, "rejected: score is not a number; " + versus,
                    candidate, served, servedVersion, best, threshold);
        }
        if (!(candidate.score() >= servedBound)) {
            return new GateDecision(false, "rejected: worse than promoted; " + versus,
                    candidate, served, servedVersion, best, threshold);
        }
        if (!(candidate.score() >= bestBound)) {
            return new GateDecision(false, "rejected: below the floor under the best promoted version; " + versus,
                    candidate, served, servedVersion, best, threshold);
        }
        String verdict = candidate.score() > best.score() ? "promoted (new best): " : "promoted: ";
        return new GateDecision(true, verdict + versus, candidate, served, servedVersion, best, threshold);
    }

    public GateMetric metric() {
        return metric;
    }

    public double tolerance() {
        return tolerance;
    }

    public double floor() {
        return floor;
    }

    public int renditions() {
        return renditions;
    }
}
