package io.vilstream.trainer.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.vilstream.model.eval.Recall;
import io.vilstream.model.eval.RetrievalMetrics;
import io.vilstream.model.eval.TaggerMetrics;
import org.junit.jupiter.api.Test;

class GateDecisionTest {

    private static final Gate GATE = new Gate(GateMetric.MEAN_RECALL, 0.02);

    private static Evaluation eval(double r1, double r5, double r10) {
        RetrievalMetrics m = new RetrievalMetrics(new Recall(r1, r5, r10), new Recall(r1, r5, r10), 50);
        return new Evaluation(m, new TaggerMetrics(0, 0, 0), GateMetric.MEAN_RECALL.score(m), 1);
    }

    @Test
    void aCandidateWithinTheToleranceIsPromotedAndOneBeyondItRejected() {
        Evaluation served = eval(0.5, 0.7, 0.8);
        assertThat(GATE.decide(eval(0.49, 0.69, 0.79), served, 3, false).promote()).isTrue();
        GateDecision worse = GATE.decide(eval(0.45, 0.65, 0.75), served, 3, false);
        assertThat(worse.promote()).isFalse();
        assertThat(worse.reason()).startsWith("rejected").contains("promoted v3");
    }

    @Test
    void aDivergedOrNotANumberCandidateIsRejectedWhateverItsScore() {
        Evaluation served = eval(0.1, 0.2, 0.3);
        assertThat(GATE.decide(eval(0.9, 0.9, 0.9), served, 1, true).promote()).isFalse();
        assertThat(GATE.decide(eval(Double.NaN, 0.9, 0.9), served, 1, false).promote()).isFalse();
    }

    @Test
    void theMetricsScoreWhatTheyName() {
        RetrievalMetrics m = new RetrievalMetrics(new Recall(0.1, 0.4, 0.7), new Recall(0.3, 0.6, 0.9), 10);
        assertThat(GateMetric.R1.score(m)).isCloseTo(0.2, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(GateMetric.R10.score(m)).isCloseTo(0.8, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(GateMetric.MEAN_RECALL.score(m)).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-9));
    }
}
