package io.vilstream.cli.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;

import org.junit.jupiter.api.Test;

/** The fault plan: density, spacing inside the window, every kind once before any twice. */
class FaultScheduleTest {

    @Test
    void everyKindComesOnceBeforeAnyComesTwiceAndTheFirstRoundKeepsItsOrder() {
        FaultSchedule s = FaultSchedule.plan(600, 2, 7, 30, 20);

        assertThat(s.faults()).hasSize(20);
        assertThat(s.faults().subList(0, 6)).extracting(FaultSchedule.Planned::kind).containsExactlyElementsOf(FaultSchedule.FIRST_ROUND);
        assertThat(s.faults().subList(6, 12)).extracting(FaultSchedule.Planned::kind).containsExactlyInAnyOrderElementsOf(
                EnumSet.allOf(FaultKind.class));
    }

    @Test
    void faultsFallBetweenTheWarmUpAndTheQuietTailInOrder() {
        FaultSchedule s = FaultSchedule.plan(150, 2.4, 1, 25, 18);

        assertThat(s.faults()).hasSize(6);
        assertThat(s.faults()).allSatisfy(f -> assertThat(f.atSeconds()).isBetween(25.0, 150.0 - 18));
        assertThat(s.faults()).extracting(FaultSchedule.Planned::atSeconds).isSorted();
        assertThat(s.faults().get(0).atSeconds()).isEqualTo(25.0);
        assertThat(s.faults().get(5).atSeconds()).as("the last fault starts where the quiet tail begins").isEqualTo(132.0);
    }

    @Test
    void onlyTheChosenKindsArePlannedInTheFirstRoundsOrder() {
        FaultSchedule s = FaultSchedule.plan(600, 2, 7, 30, 20, EnumSet.of(FaultKind.BROKER_RESTART, FaultKind.BROKER_PAUSE));

        assertThat(s.faults()).hasSize(20);
        assertThat(s.faults().subList(0, 2)).extracting(FaultSchedule.Planned::kind)
                .containsExactly(FaultKind.BROKER_PAUSE, FaultKind.BROKER_RESTART);
        assertThat(s.faults()).extracting(FaultSchedule.Planned::kind).containsOnly(FaultKind.BROKER_PAUSE, FaultKind.BROKER_RESTART);
        assertThat(FaultSchedule.plan(600, 2, 7, 30, 20, EnumSet.noneOf(FaultKind.class)).faults()).isEmpty();
        assertThatThrownBy(() -> FaultKind.byId("broker-reboot")).hasMessageContaining("broker-restart");
    }

    @Test
    void theSameSeedPlansTheSameFaultsAndNoDensityPlansNone() {
        assertThat(FaultSchedule.plan(600, 3, 5, 30, 20)).isEqualTo(FaultSchedule.plan(600, 3, 5, 30, 20));
        assertThat(FaultSchedule.plan(600, 0, 5, 30, 20).faults()).isEmpty();
    }
}
