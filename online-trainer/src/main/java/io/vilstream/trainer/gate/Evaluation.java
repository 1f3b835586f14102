package io.vilstream.trainer.gate;

import java.util.LinkedHashMap;
import java.util.Map;

import io.vilstream.model.eval.RetrievalMetrics;
import io.vilstream.model.eval.TaggerMetrics;

/**
 * One model's quality on one revision of the validation set: Recall@1/5/10 both ways (averaged
 * over the image renditions scored), the tagger's P@5/R@5, the gate's score of them and the 95%
 * interval of that score on this many items.
 */
public record Evaluation(RetrievalMetrics retrieval, TaggerMetrics tagger, double score, long validationRevision,
                         int renditions) {

    /** An evaluation of the primary renditions only. */
    public Evaluation(RetrievalMetrics retrieval, TaggerMetrics tagger, double score, long validationRevision) {
        this(retrieval, tagger, score, validationRevision, 1);
    }

    /** Validation items scored (queries per direction and rendition). */
    public int items() {
        return retrieval.queries();
    }

    /** The 95% interval of the score on {@link #items()} items ({@link RecallInterval}). */
    public RecallInterval interval() {
        return RecallInterval.wilson(score, items());
    }

    /** The keys recorded in {@code ModelVersion.metrics}. */
    public Map<String, Double> metrics() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("val.i2t.r1", retrieval.i2t().r1());
        m.put("val.i2t.r5", retrieval.i2t().r5());
        m.put("val.i2t.r10", retrieval.i2t().r10());
        m.put("val.t2i.r1", retrieval.t2i().r1());
        m.put("val.t2i.r5", retrieval.t2i().r5());
        m.put("val.t2i.r10", retrieval.t2i().r10());
        m.put("val.items", (double) items());
        m.put("val.renditions", (double) renditions);
        m.put("val.score", score);
        RecallInterval ci = interval();
        m.put("val.score.ci95.low", ci.low());
        m.put("val.score.ci95.high", ci.high());
        m.put("tagger.p5", tagger.p5());
        m.put("tagger.r5", tagger.r5());
        return m;
    }
}
