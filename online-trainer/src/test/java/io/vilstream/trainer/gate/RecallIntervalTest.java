package io.vilstream.trainer.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.Random;

import org.junit.jupiter.api.Test;

class RecallIntervalTest {

    @Test
    void theWilsonIntervalHasItsTextbookValues() {
        RecallInterval half = RecallInterval.wilson(0.5, 100);
        assertThat(half.low()).isCloseTo(0.4038, offset(1e-4));
        assertThat(half.high()).isCloseTo(0.5962, offset(1e-4));
        // at the edges it stays inside [0, 1] and keeps a width: z²/(n+z²) for no hit in 10
        RecallInterval none = RecallInterval.wilson(0, 10);
        assertThat(none.low()).isZero();
        assertThat(none.high()).isCloseTo(0.2775, offset(1e-4));
        RecallInterval all = RecallInterval.wilson(1, 10);
        assertThat(all.low()).isCloseTo(0.7225, offset(1e-4));
        assertThat(all.high()).isEqualTo(1.0);
    }

    @Test
    void itNarrowsWithTheSquareRootOfTheItems() {
        assertThat(RecallInterval.widest(500).width()).isCloseTo(0.0873, offset(1e-3));
        assertThat(RecallInterval.widest(2000).width() / RecallInterval.widest(500).width()).isCloseTo(0.5, offset(0.01));
        // the full emoji set's validation split: 199 items, a score near 0.4 is known to about ±0.07
        assertThat(RecallInterval.wilson(0.4, 199).width()).isBetween(0.13, 0.14);
    }

    @Test
    void itCoversTheTrueRecallAboutNinetyFivePercentOfTheTime() {
        Random random = new Random(7);
        double p = 0.3;
        int n = 200;
        int covered = 0;
        int trials = 4000;
        for (int t = 0; t < trials; t++) {
            int hits = 0;
            for (int i = 0; i < n; i++) {
                hits += random.nextDouble() < p ? 1 : 0;
            }
            RecallInterval ci = RecallInterval.wilson(hits / (double) n, n);
            covered += ci.low() <= p && p <= ci.high() ? 1 : 0;
        }
        assertThat(covered / (double) trials).isBetween(0.935, 0.965);
    }

    @Test
    void noItemsOrNoScoreMeansNothingIsKnown() {
        assertThat(RecallInterval.wilson(0.3, 0)).extracting(RecallInterval::low, RecallInterval::high).containsExactly(0.0, 1.0);
        assertThat(RecallInterval.wilson(Double.NaN, 50).width()).isEqualTo(1.0);
    }
}
