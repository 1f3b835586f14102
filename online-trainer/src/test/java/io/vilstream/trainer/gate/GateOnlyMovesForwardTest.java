package io.vilstream.trainer.gate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import io.vilstream.model.eval.Recall;
import io.vilstream.model.eval.RetrievalMetrics;
import io.vilstream.model.eval.TaggerMetrics;
import org.junit.jupiter.api.Test;

/**
 * A gate that only moves forward: candidates that each lose a little less than the tolerance
 * against the version they replace would drift down without end if only the served version
 * were the reference; measured against the best promoted version too, the drift is refused
 * once it goes beyond the floor.
 */
class GateOnlyMovesForwardTest {

    private static final double TOLERANCE = 0.01;

    /** An evaluation whose R@1 gate score is {@code score}. */
    private static Evaluation eval(double score) {
        RetrievalMetrics m = new RetrievalMetrics(new Recall(score, score, score), new Recall(score, score, score), 200);
        return new Evaluation(m, new TaggerMetrics(0, 0, 0), GateMetric.R1.score(m), 1, 2);
    }

    /** Runs candidates through the gate as the trainer does: a promotion is served, a new best becomes the best. */
    private static List<GateDecision> run(Gate gate, double start, double... candidates) {
        long version = 1;
        Evaluation served = eval(start);
        long servedVersion = version;
        BestScore best = new BestScore(version, start, true);
        List<GateDecision> out = new ArrayList<>();
        for (double c : candidates) {
            version++;
            GateDecision d = gate.decide(eval(c), served, servedVersion, best, false);
            out.add(d);
            if (d.newBest()) {
                best = new BestScore(version, c, true);
            }
            if (d.promote()) {
                served = d.candidate();
                servedVersion = version;
            }
        }
        return out;
    }

    @Test
    void candidatesEachWithinTheToleranceOfTheServedOneAreRefusedOnceBeyondTheFloorUnderTheBest() {
        Gate gate = new Gate(GateMetric.R1, TOLERANCE, TOLERANCE, 2);
        // each candidate is 0.008 below the one before: within the tolerance of the version it replaces
        List<GateDecision> d = run(gate, 0.50, 0.492, 0.484, 0.476, 0.468);

        assertThat(d.get(0).promote()).as("0.492 is within 0.01 of the best, 0.50").isTrue();
        assertThat(d.get(1).promote()).as("0.484 is within 0.01 of the served 0.492 but not of the best 0.50").isFalse();
        assertThat(d.get(1).reason()).startsWith("rejected: below the floor under the best promoted version")
                .contains("best v1 0.5000");
        assertThat(d.get(1).threshold()).isCloseTo(0.49, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(d.subList(2, 4)).noneMatch(GateDecision::promote);
        assertThat(d).allMatch(x -> x.best().version() == 1, "the best stays version 1");
    }

    @Test
    void withoutTheFloorTheSameSequenceDriftsDownUnchecked() {
        // the old rule: the served version is the only reference (a floor of 1 never binds)
        Gate servedOnly = new Gate(GateMetric.R1, TOLERANCE, 1.0, 2);
        List<GateDecision> d = run(servedOnly, 0.50, 0.492, 0.484, 0.476, 0.468);
        assertThat(d).allMatch(GateDecision::promote);
    }

    @Test
    void theFloorFollowsTheBestUpAndBoundsAllLaterPromotions() {
        Gate gate = new Gate(GateMetric.R1, TOLERANCE, 0.02, 2);
        List<GateDecision> d = run(gate, 0.40, 0.45, 0.442, 0.435, 0.428, 0.47, 0.462, 0.455, 0.447);

        assertThat(d).extracting(GateDecision::promote)
                .containsExactly(true, true, true, false, true, true, true, false);
        assertThat(d.get(0).newBest()).isTrue();
        assertThat(d.get(3).best().version()).as("0.45 (v2) is the best").isEqualTo(2);
        assertThat(d.get(3).reason()).contains("below the floor");
        assertThat(d.get(4).newBest()).isTrue();
        assertThat(d.get(7).best()).isEqualTo(new BestScore(6, 0.47, true));
        assertThat(d.get(7).reason()).contains("below the floor");
        List<Double> promoted = d.stream().filter(GateDecision::promote).map(x -> x.candidate().score()).toList();
        double bestSoFar = 0.40;
        for (double s : promoted) {
            assertThat(s).as("never more than the floor below the best so far").isGreaterThanOrEqualTo(bestSoFar - 0.02);
            bestSoFar = Math.max(bestSoFar, s);
        }
    }

    @Test
    void aCandidateMustAlsoStayWithinTheToleranceOfTheServedVersion() {
        Gate gate = new Gate(GateMetric.R1, TOLERANCE, 0.05, 2);
        GateDecision d = gate.decide(eval(0.47), eval(0.49), 4, new BestScore(3, 0.50, true), false);
        assertThat(d.promote()).isFalse();
        assertThat(d.reason()).startsWith("rejected: worse than promoted").contains("promoted v4");
    }

    @Test
    void theDecisionRecordsTheBestItWasJudgedAgainstAndTheCandidatesInterval() {
        Gate gate = new Gate(GateMetric.R1, TOLERANCE, TOLERANCE, 2);
        GateDecision d = gate.decide(eval(0.52), eval(0.50), 4, new BestScore(3, 0.51, false), false);
        assertThat(d.promote()).isTrue();
        assertThat(d.newBest()).isTrue();
        assertThat(d.metrics()).containsEntry(RecordedBest.BEST_VERSION, 3.0).containsEntry(RecordedBest.BEST_SCORE, 0.51)
                .containsKey("gate.threshold");
        assertThat(d.candidate().metrics()).containsEntry("val.items", 200.0).containsEntry("val.renditions", 2.0)
                .containsKeys("val.score.ci95.low", "val.score.ci95.high");
        assertThat(d.reason()).startsWith("promoted (new best)").contains("200 val items x 2 renditions")
                .contains("best v3 0.5100 (recorded)").contains("95% CI 0.4");
    }
}
