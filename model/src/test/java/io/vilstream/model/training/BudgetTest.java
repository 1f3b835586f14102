package io.vilstream.model.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class BudgetTest {

    @Test
    void theScheduleLengthIsTheStepsDonePlusWhatTheTimeLeftHoldsAtTheCurrentStepTime() {
        Budget twelveMinutes = Budget.time(Duration.ofMinutes(12));
        // 20 slow first steps (400 ms each, 8 s): at that pace 12 minutes hold 1,800 steps
        assertThat(twelveMinutes.scheduleSteps(20, Duration.ofSeconds(8).toNanos(), 400)).isEqualTo(20 + 1_780);
        // later the steps take 200 ms: 4 minutes in, the 8 minutes left hold 2,400 more
        assertThat(twelveMinutes.scheduleSteps(600, Duration.ofMinutes(4).toNanos(), 200)).isEqualTo(600 + 2_400);
    }

    @Test
    void aStepBudgetCapsTheEstimateAndASpentBudgetEndsItWhereItIs() {
        Budget both = new Budget(1_000, Duration.ofMinutes(12));
        assertThat(both.scheduleSteps(20, Duration.ofSeconds(1).toNanos(), 10)).isEqualTo(1_000);
        assertThat(Budget.steps(500).scheduleSteps(20, 0, 10)).isEqualTo(500);
        assertThat(Budget.time(Duration.ofMinutes(1)).scheduleSteps(300, Duration.ofMinutes(2).toNanos(), 100))
                .isEqualTo(300);
    }
}
