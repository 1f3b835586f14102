package io.vilstream.model.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

/** The hubness penalty, and the evaluator ranking with it: a caption near every image stops winning. */
class HubnessCorrectionTest {

    static final int DIM = 8;

    /** a·e0 + b·e_axis, normalised. */
    static float[] vec(double a, double b, int axis) {
        float[] v = new float[DIM];
        v[0] += (float) a;
        v[axis] += (float) b;
        double n = Math.sqrt(a * a + b * b);
        for (int i = 0; i < DIM; i++) {
            v[i] /= (float) n;
        }
        return v;
    }

    /**
     * Five items whose image leans to a common axis e0 and whose caption to their own axis, and a
     * hub item whose caption is e0 itself: every image is nearer the hub's caption (0.8) than its
     * own (0.75).
     */
    static float[][][] hubScene() {
        float[][] img = new float[6][];
        float[][] txt = new float[6][];
        for (int i = 0; i < 5; i++) {
            img[i] = vec(0.8, 0.6, i + 1);
            txt[i] = vec(0.2, 0.98, i + 1);
        }
        img[5] = vec(0.8, 0.6, 7);
        txt[5] = vec(1, 0, 7);
        return new float[][][] {img, txt};
    }

    @Test
    void penaltyIsTheWeightedMeanOfTheKLargestSimilarities() {
        HubnessCorrection h = new HubnessCorrection(2, 0.5f);
        assertThat(h.penalty(new float[] {0.1f, 0.9f, 0.3f, 0.7f})).isCloseTo(0.4f, offset(1e-6f));
        assertThat(h.penalty(new float[] {0.6f})).as("fewer than k are averaged as they are").isCloseTo(0.3f, offset(1e-6f));
        assertThat(h.penalty(new float[0])).isZero();
        assertThat(HubnessCorrection.NONE.penalty(new float[] {0.9f})).isZero();
        assertThat(HubnessCorrection.NONE.enabled()).isFalse();
    }

    @Test
    void penaltiesOfRowsAndColumnsMeasureEachSideAgainstTheOther() {
        float[][] sim = {{0.9f, 0.1f}, {0.5f, 0.3f}};
        HubnessCorrection h = new HubnessCorrection(1, 1f);
        assertThat(h.rowPenalties(sim)).containsExactly(0.9f, 0.5f);
        assertThat(h.columnPenalties(sim)).containsExactly(0.9f, 0.3f);
    }

    @Test
    void aCaptionNearEveryImageNoLongerTakesTheirFirstPlace() {
        float[][][] s = hubScene();
        RetrievalMetrics plain = RetrievalEvaluator.fromEmbeddings(s[0], s[1], HubnessCorrection.NONE);
        RetrievalMetrics corrected = RetrievalEvaluator.fromEmbeddings(s[0], s[1], HubnessCorrection.DEFAULT);
        assertThat(plain.i2t().r1()).as("by cosine the hub's caption wins for every other image").isCloseTo(1 / 6.0, offset(1e-9));
        assertThat(corrected.i2t().r1()).isEqualTo(1.0);
        assertThat(RetrievalEvaluator.fromEmbeddings(s[0], s[1])).as("the default ranking is corrected").isEqualTo(corrected);
    }

    @Test
    void aCollapsedModelStillScoresNothing() {
        float[][] same = new float[6][];
        for (int i = 0; i < same.length; i++) {
            same[i] = vec(1, 0, 1);
        }
        RetrievalMetrics m = RetrievalEvaluator.fromEmbeddings(same, same, HubnessCorrection.DEFAULT);
        assertThat(m.i2t().r5()).as("ties count against: every rank is 5 of 6").isZero();
        assertThat(m.t2i().r5()).isZero();
    }

    @Test
    void refusesANegativeKOrAWeightOutsideZeroToOne() {
        assertThatThrownBy(() -> new HubnessCorrection(-1, 0.5f)).hasMessageContaining("hubness k");
        assertThatThrownBy(() -> new HubnessCorrection(5, 1.5f)).hasMessageContaining("hubness weight");
        assertThatThrownBy(() -> new HubnessCorrection(5, Float.NaN)).hasMessageContaining("hubness weight");
    }
}
