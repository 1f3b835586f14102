package io.vilstream.retriever.versions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;

import io.vilstream.retriever.versions.ServingPolicy.Facts;
import io.vilstream.retriever.versions.ServingPolicy.Kind;
import org.junit.jupiter.api.Test;

/** The switch rule: serve N until N+1 covers it; roll back at once; decide nothing before catching up. */
class ServingPolicyTest {

    final ServingPolicy policy = new ServingPolicy(true);

    @Test
    void decidesNothingBeforeTheTopicsWereReadToTheirEnd() {
        var d = policy.decide(null, 1, false, Map.of(1L, new Facts(1, 10, true, true)));
        assertThat(d.switchTo()).isEmpty();
        assertThat(d.reason()).contains("reading");
    }

    @Test
    void startsWithThePromotedVersionWhenItHoldsTheMostItems() {
        var d = policy.decide(null, 2, true, Map.of(1L, new Facts(1, 10, true, true), 2L, new Facts(2, 10, true, true)));
        assertThat(d.switchTo()).contains(2L);
        assertThat(d.kind()).isEqualTo(Kind.STARTUP);
    }

    @Test
    void startsWithTheLargerOlderIndexWhileTheNewOneIsBeingBuiltAndNeverAboveTheTarget() {
        var d = policy.decide(null, 2, true, Map.of(1L, new Facts(1, 30, true, true), 2L, new Facts(2, 5, true, true),
                3L, new Facts(3, 99, true, true)));
        assertThat(d.switchTo()).contains(1L);
        assertThat(d.reason()).contains("until 2 covers it");
    }

    @Test
    void keepsServingTheOldVersionUntilTheNewOneCoversIt() {
        var partial = policy.decide(1L, 2, true, Map.of(1L, new Facts(1, 30, true, true), 2L, new Facts(2, 29, false, true)));
        assertThat(partial.switchTo()).isEmpty();
        assertThat(partial.reason()).contains("does not cover");

        var covered = policy.decide(1L, 2, true, Map.of(1L, new Facts(1, 30, true, true), 2L, new Facts(2, 31, true, true)));
        assertThat(covered.switchTo()).contains(2L);
        assertThat(covered.kind()).isEqualTo(Kind.PROMOTION);
    }

    @Test
    void neverSwitchesToAnEmptyIndexOrToTowersThatCannotLoad() {
        assertThat(policy.decide(1L, 2, true, Map.of(1L, new Facts(1, 0, true, true), 2L, new Facts(2, 0, true, true)))
                .switchTo()).isEmpty();
        assertThat(policy.decide(1L, 2, true, Map.of(1L, new Facts(1, 3, true, true), 2L, new Facts(2, 3, true, false)))
                .switchTo()).isEmpty();
        assertThat(policy.decide(null, 2, true, Map.of(2L, new Facts(2, 3, true, false))).switchTo()).isEmpty();
    }

    @Test
    void rollsBackAtOnceWhenTheOlderIndexIsHeldOrWaitsForCoverageWhenToldTo() {
        Map<Long, Facts> held = Map.of(1L, new Facts(1, 30, false, true), 2L, new Facts(2, 35, true, true));
        var immediate = policy.decide(2L, 1, true, held);
        assertThat(immediate.switchTo()).contains(1L);
        assertThat(immediate.kind()).isEqualTo(Kind.ROLLBACK);

        var patient = new ServingPolicy(false).decide(2L, 1, true, held);
        assertThat(patient.switchTo()).isEqualTo(Optional.empty());
    }
}
