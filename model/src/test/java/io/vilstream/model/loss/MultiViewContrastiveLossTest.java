package io.vilstream.model.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.vilstream.model.runtime.DjlRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MultiViewContrastiveLossTest {

    private NDManager m;

    @BeforeEach
    void manager() {
        m = DjlRuntime.engine().newBaseManager();
    }

    @AfterEach
    void close() {
        m.close();
    }

    @Test
    void orthogonalPairsGiveTheTextbookValue() {
        NDArray z = m.create(new float[] {1, 0, 0, 1}, new Shape(2, 2));
        float loss = MultiViewContrastiveLoss.symmetricInfoNce(z, z, null, null, m.create(1f)).getFloat();
        // each row: -log(e / (e + 1)) = log(1 + e^-1)
        assertThat((double) loss).isCloseTo(Math.log(1 + Math.exp(-1)), within(1e-6));
    }

    @Test
    void matchesAHandComputedValueWithScaleAndHardNegatives() {
        float[][] a = {{0.6f, 0.8f}, {1f, 0f}, {0f, -1f}};
        float[][] b = {{0.8f, 0.6f}, {0.6f, -0.8f}, {-0.6f, -0.8f}};
        float[][] negB = {{0f, 1f}};
        float[][] negA = {{-1f, 0f}};
        double scale = Math.exp(0.5);
        float loss = MultiViewContrastiveLoss.symmetricInfoNce(mat(a), mat(b), mat(negB), mat(negA),
                m.create((float) scale)).getFloat();
        double expected = 0.5 * (reference(a, b, negB, scale) + reference(b, a, negA, scale));
        assertThat((double) loss).isCloseTo(expected, within(1e-5));
    }

    @Test
    void hardNegativeColumnsCanOnlyRaiseTheLoss() {
        NDArray z = m.create(new float[] {1, 0, 0, 1}, new Shape(2, 2));
        NDArray neg = m.create(new float[] {0.7071f, 0.7071f}, new Shape(1, 2));
        float plain = MultiViewContrastiveLoss.symmetricInfoNce(z, z, null, null, m.create(1f)).getFloat();
        float withNeg = MultiViewContrastiveLoss.symmetricInfoNce(z, z, neg, neg, m.create(1f)).getFloat();
        assertThat(withNeg).isGreaterThan(plain);
    }

    @Test
    void totalIsTheWeightedSumOfEnabledPairsPlusTheTagger() {
        NDArray z = m.create(new float[] {1, 0, 0, 1}, new Shape(2, 2));
        NDArray scales = m.zeros(new Shape(4));
        ViewEmbeddings v = new ViewEmbeddings(z, z, z, z, z, z, null, null, null);
        LossWeights w = new LossWeights(Map.of(ViewPair.IMAGE_TEXT, 2f, ViewPair.TEXT_TEXT, 0.5f), 0f);
        MultiViewContrastiveLoss.Result r = new MultiViewContrastiveLoss(w, false).compute(v, scales, null, null, null);
        double term = Math.log(1 + Math.exp(-1));
        assertThat(r.terms()).containsOnlyKeys(ViewPair.IMAGE_TEXT, ViewPair.TEXT_TEXT);
        assertThat((double) r.total().getFloat()).isCloseTo(2.5 * term, within(1e-5));
    }

    @Test
    void taggerLossIsBinaryCrossEntropyOverLabelledRowsOnly() {
        NDArray logits = m.create(new float[] {0f, 2f, -1f, 3f}, new Shape(2, 2));
        NDArray targets = m.create(new float[] {1f, 0f, 1f, 1f}, new Shape(2, 2));
        NDArray mask = m.create(new float[] {1f, 0f});
        float bce = MultiViewContrastiveLoss.bceWithLogits(logits, targets, mask).getFloat();
        double row0 = (Math.log(2) + (Math.log1p(Math.exp(2)))) / 2; // x=0,y=1 → log 2; x=2,y=0 → softplus(2)
        assertThat((double) bce).isCloseTo(row0, within(1e-5));
    }

    private NDArray mat(float[][] rows) {
        float[] flat = new float[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * rows[0].length, rows[0].length);
        }
        return m.create(flat, new Shape(rows.length, rows[0].length));
    }

    /** L_a→b written out with doubles, independent of the NDArray code. */
    private static double reference(float[][] a, float[][] b, float[][] extra, double scale) {
        double sum = 0;
        for (int k = 0; k < a.length; k++) {
            double denom = 0;
            double pos = 0;
            for (int l = 0; l < b.length + extra.length; l++) {
                float[] c = l < b.length ? b[l] : extra[l - b.length];
                double s = scale * (a[k][0] * c[0] + a[k][1] * c[1]);
                denom += Math.exp(s);
                if (l == k) {
                    pos = s;
                }
            }
            sum += Math.log(denom) - pos;
        }
        return sum / a.length;
    }

    @Test
    void softTargetsKeepOneMinusAlphaOnTheOwnCaptionAndSpreadAlphaByCaptionSimilarity() {
        // captions 0 and 1 are close, 2 is far from both
        NDArray t = m.create(new float[] {1, 0, 0.8f, 0.6f, 0, 1}, new Shape(3, 2));
        float[] q = MultiViewContrastiveLoss.softTargets(t, 0.2f).toFloatArray();
        for (int r = 0; r < 3; r++) {
            assertThat((double) (q[3 * r] + q[3 * r + 1] + q[3 * r + 2])).as("row %d sums to 1", r).isCloseTo(1.0, within(1e-5));
            assertThat((double) q[3 * r + r]).isCloseTo(0.8, within(1e-5));
        }
        assertThat(q[1]).as("caption 0's mass goes to the close caption 1").isGreaterThan(q[2]);
    }

    @Test
    void softTargetsAtAlphaZeroAreTheOneHotLossAndOtherwiseRewardCloseCaptions() {
        NDArray img = m.create(new float[] {1, 0, 0.8f, 0.6f, 0, 1}, new Shape(3, 2));
        NDArray txt = m.create(new float[] {1, 0, 0.8f, 0.6f, 0, 1}, new Shape(3, 2));
        NDArray scale = m.create(5f);
        ViewEmbeddings v = new ViewEmbeddings(img, null, txt, null, null, null, null, null, null);
        LossWeights oneHot = new LossWeights(Map.of(ViewPair.IMAGE_TEXT, 1f), 0f);
        float plain = new MultiViewContrastiveLoss(oneHot, true).compute(v, m.create(new float[] {(float) Math.log(5)}), null, null, null)
                .total().getFloat();
        assertThat((double) plain).isCloseTo(MultiViewContrastiveLoss.symmetricInfoNce(img, txt, null, null, scale).getFloat(),
                within(1e-5));
        float soft = new MultiViewContrastiveLoss(oneHot.withSoftTargets(0.3f), true)
                .compute(v, m.create(new float[] {(float) Math.log(5)}), null, null, null).total().getFloat();
        // the targets put mass on columns that are not the diagonal, where log-probabilities are lower: a higher loss
        assertThat(soft).isGreaterThan(plain);
    }
}
