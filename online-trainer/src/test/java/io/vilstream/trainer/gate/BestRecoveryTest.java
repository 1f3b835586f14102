package io.vilstream.trainer.gate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

import io.vilstream.datasets.split.Split;
import io.vilstream.modelstore.ModelKeys;
import io.vilstream.modelstore.ModelRegistryState;
import io.vilstream.schemas.avro.ModelStatus;
import io.vilstream.schemas.avro.ModelVersion;
import io.vilstream.trainer.Items;
import io.vilstream.trainer.gate.BestRecovery.Kind;
import io.vilstream.trainer.validation.ValidationSet;
import org.junit.jupiter.api.Test;

/**
 * A restarted trainer, or one following a rollback, recovers the best promoted version from the
 * version records alone: each record carries the best it was judged against, its own score and
 * the fingerprint of the set both were measured on.
 */
class BestRecoveryTest {

    private static final String MODEL = "m";
    private static final long FP = 123_456_789L;

    private static ModelVersion record(long version, ModelStatus status, int chunks, Double score, Long bestVersion,
                                       Double bestScore) {
        Map<String, Double> metrics = new HashMap<>();
        if (score != null) {
            metrics.put("val.score", score);
        }
        if (bestVersion != null) {
            metrics.put(RecordedBest.BEST_VERSION, (double) bestVersion);
            metrics.put(RecordedBest.BEST_SCORE, bestScore);
            metrics.put(RecordedBest.FINGERPRINT, (double) FP);
        }
        Instant t = Instant.ofEpochSecond(1_000 + version);
        return ModelVersion.newBuilder().setModelName(MODEL).setVersion(version).setParent(version - 1)
                .setSha256("0".repeat(64)).setSizeBytes(10).setChunkCount(chunks).setTrainingStep(version * 100)
                .setMetrics(metrics).setStatus(status).setCreatedAt(t).setUpdatedAt(t).build();
    }

    private static ModelVersion promoted(long version, double score, long bestVersion, double bestScore) {
        return record(version, ModelStatus.PROMOTED, 3, score, bestVersion, bestScore);
    }

    private static ModelRegistryState state(List<ModelVersion> records) {
        ModelRegistryState s = new ModelRegistryState(MODEL);
        records.forEach(v -> s.apply(ModelKeys.version(MODEL, v.getVersion()), v));
        return s;
    }

    @Test
    void aVersionThatScoredAboveTheBestItWasJudgedAgainstIsItselfTheBest() {
        ModelVersion v2 = promoted(2, 0.45, 1, 0.40);
        BestRecovery plan = BestRecovery.plan(v2, state(List.of(promoted(1, 0.40, 0, 0.1), v2)));
        assertThat(plan.kind()).isEqualTo(Kind.ADOPTED);
        assertThat(plan.recorded()).isEqualTo(new RecordedBest(2, 0.45, FP));
    }

    @Test
    void aVersionPromotedWithinTheFloorBelowTheBestNamesTheBestWhoseWeightsAreLoaded() {
        ModelVersion v2 = promoted(2, 0.45, 1, 0.40);
        ModelVersion v3 = promoted(3, 0.444, 2, 0.45);
        ModelVersion v4 = record(4, ModelStatus.REJECTED, 0, 0.30, 2L, 0.45);
        ModelVersion v5 = promoted(5, 0.441, 2, 0.45);
        BestRecovery plan = BestRecovery.plan(v5, state(List.of(v2, v3, v4, v5)));
        assertThat(plan.kind()).isEqualTo(Kind.LOAD);
        assertThat(plan.record().getVersion()).isEqualTo(2);
        assertThat(plan.recorded()).isEqualTo(new RecordedBest(2, 0.45, FP));
    }

    @Test
    void aBestPrunedByRetentionIsKnownByItsRecordedScoreOnTheSameSetOnly() {
        ModelVersion v9 = promoted(9, 0.444, 2, 0.45);
        BestRecovery plan = BestRecovery.plan(v9, state(List.of(v9)));
        assertThat(plan.kind()).isEqualTo(Kind.RECORDED);
        assertThat(plan.recorded()).isEqualTo(new RecordedBest(2, 0.45, FP));

        Gate gate = new Gate(GateMetric.MEAN_RECALL, 0.01, 0.01, 2);
        ValidationSet set = new ValidationSet(20);
        Items.ids("val", Split.VAL, 8).forEach(id -> set.offer(Items.item(id)));
        BestPromoted same = BestPromoted.recorded(new RecordedBest(2, 0.45, gate.fingerprint(set)));
        assertThat(same.score(gate, set)).isEqualTo(OptionalDouble.of(0.45));
        assertThat(BestPromoted.recorded(plan.recorded()).score(gate, set)).as("recorded on another set").isEmpty();
        Items.ids("more", Split.VAL, 1).forEach(id -> set.offer(Items.item(id)));
        assertThat(same.score(gate, set)).as("the set changed since").isEmpty();
        assertThat(BestPromoted.recorded(new RecordedBest(2, 0.45, new Gate(GateMetric.R10, 0.01, 0.01, 2).fingerprint(set)))
                .score(gate, set)).as("another metric").isEmpty();
    }

    @Test
    void aRollbackToAVersionResetsTheBestToTheOneItsRecordNames() {
        // v4 became the best, then an operator rolled back to v2: v3..v5 are ROLLED_BACK and no longer count
        ModelVersion v1 = promoted(1, 0.40, 0, 0.10);
        ModelVersion v2 = promoted(2, 0.395, 1, 0.40);
        ModelVersion v3 = record(3, ModelStatus.ROLLED_BACK, 3, 0.43, 1L, 0.40);
        ModelVersion v4 = record(4, ModelStatus.ROLLED_BACK, 3, 0.47, 3L, 0.43);
        ModelVersion v5 = record(5, ModelStatus.ROLLED_BACK, 3, 0.465, 4L, 0.47);
        ModelRegistryState s = state(List.of(v1, v2, v3, v4, v5));
        assertThat(s.served()).get().extracting(ModelVersion::getVersion).isEqualTo(2L);

        BestRecovery plan = BestRecovery.plan(s.served().orElseThrow(), s);
        assertThat(plan.kind()).isEqualTo(Kind.LOAD);
        assertThat(plan.record().getVersion()).as("the best when v2 was promoted, not the rolled-back v4").isEqualTo(1);
    }

    @Test
    void aRecordFromBeforeTheGateRecordedTheBestMakesTheAdoptedVersionTheBest() {
        ModelVersion legacy = record(7, ModelStatus.PROMOTED, 3, 0.42, null, null);
        assertThat(RecordedBest.after(legacy)).isEmpty();
        assertThat(BestRecovery.plan(legacy, state(List.of(legacy))).kind()).isEqualTo(Kind.ADOPTED);
    }

    @Test
    void aRecordedBestThatIsNoLongerPromotedIsNoFloor() {
        ModelVersion v3 = record(3, ModelStatus.ROLLED_BACK, 3, 0.47, 2L, 0.45);
        ModelVersion v6 = promoted(6, 0.46, 3, 0.47);
        assertThat(BestRecovery.plan(v6, state(List.of(v3, v6))).kind()).isEqualTo(Kind.ADOPTED);
    }
}
