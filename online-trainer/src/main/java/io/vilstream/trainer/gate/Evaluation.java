package io.vilstream.trainer.gate;

import java.util.LinkedHashMap;
import java.util.Map;

import io.vilstream.model.eval.RetrievalMetrics;
import io.vilstream.model.eval.TaggerMetrics;

/**
 * One model's quality on one revision of the validation set: Recall@1/5/10 both ways, the
 * tagger's P@5/R@5, and the gate's score of them.
 */
public record Evaluation(RetrievalMetrics retrieval, TaggerMetrics tagger, double score, long validationRevision) {

    /** The keys recorded in {@code ModelVersion.metrics}. */
    public Map<String, Double> metrics() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("val.i2t.r1", retrieval.i2t().r1());
        m.put("val.i2t.r5", retrieval.i2t().r5());
        m.put("val.i2t.r10", retrieval.i2t().r10());
        m.put("val.t2i.r1", retrieval.t2i().r1());
        m.put("val.t2i.r5", retrieval.t2i().r5());
        m.put("val.t2i.r10", retrieval.t2i().r10());
        m.put("val.items", (double) retrieval.queries());
        m.put("val.score", score);
        m.put("tagger.p5", tagger.p5());
        m.put("tagger.r5", tagger.r5());
        return m;
    }
}
