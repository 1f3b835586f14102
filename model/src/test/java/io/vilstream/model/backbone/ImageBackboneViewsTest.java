package io.vilstream.model.backbone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import io.vilstream.model.Fixture;
import org.junit.jupiter.api.Test;

/**
 * The views a backbone spec averages: each is an interpolation matrix per axis, and averaging an
 * image with its mirror image makes the features blind to left and right.
 */
class ImageBackboneViewsTest {

    private static final int SIDE = 64;

    @Test
    void theMirrorViewReadsTheSameWeightsFromTheOtherEnd() {
        float[] plain = ImageBackbone.bilinear(SIDE, 128, false);
        float[] mirrored = ImageBackbone.bilinear(SIDE, 128, true);
        for (int i = 0; i < 128; i++) {
            float sum = 0;
            for (int j = 0; j < SIDE; j++) {
                assertThat(mirrored[i * SIDE + j]).isEqualTo(plain[i * SIDE + SIDE - 1 - j], within(1e-5f));
                sum += mirrored[i * SIDE + j];
            }
            assertThat(sum).isEqualTo(1f, within(1e-5f));
        }
        // corners aligned: the first output pixel is the first source pixel, the mirror's is the last
        assertThat(plain[0]).isEqualTo(1f);
        assertThat(mirrored[SIDE - 1]).isEqualTo(1f);
    }

    @Test
    void aMirrorAveragingBackboneCannotTellAnImageFromItsMirrorImage() {
        float[] image = Fixture.items(SIDE).get(3).primaryImage();
        float[] mirror = mirror(image);
        ImageBackbone averaged = ImageBackbone.shared(ImageBackboneSpec.MOBILENET_V2_MIRROR);
        ImageBackbone plain = ImageBackbone.shared(ImageBackboneSpec.MOBILENET_V2);

        float[][] a = averaged.features(List.of(image, mirror), SIDE);
        float[][] p = plain.features(List.of(image, mirror), SIDE);
        assertThat(maxDifference(a[0], a[1])).isLessThan(1e-3f);
        assertThat(maxDifference(p[0], p[1])).as("the plain features do see the mirror").isGreaterThan(1e-2f);
        assertThat(maxDifference(a[0], p[0])).as("the averaged features are not the plain ones").isGreaterThan(1e-3f);
    }

    @Test
    void aPassLeavesNothingBehindInTheBackbonesManager() {
        ImageBackbone backbone = ImageBackbone.shared(ImageBackboneSpec.MOBILENET_V2_MIRROR);
        backbone.features(List.of(new float[3 * SIDE * SIDE]), SIDE); // the first pass may set things up
        int held = backbone.heldArrays();
        java.util.Random random = new java.util.Random(7);
        List<float[]> fresh = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            float[] image = new float[3 * SIDE * SIDE];
            for (int j = 0; j < image.length; j++) {
                image[j] = random.nextFloat();
            }
            fresh.add(image);
        }
        long misses = backbone.misses();
        backbone.features(fresh, SIDE);
        assertThat(backbone.misses() - misses).isEqualTo(10); // two passes ran
        // the resized images and activations belong to the pass, not to the long-lived manager
        assertThat(backbone.heldArrays()).isEqualTo(held);
    }

    @Test
    void unknownOrRepeatedViewsAreRefused() {
        ImageBackboneSpec s = ImageBackboneSpec.MOBILENET_V2;
        assertThatThrownBy(() -> s.withViews("x", List.of("identity", "rotate")))
                .hasMessageContaining("views must be distinct, from [identity, mirror]").hasMessageContaining("rotate");
        assertThatThrownBy(() -> s.withViews("x", List.of("mirror", "mirror"))).hasMessageContaining("views must be distinct");
        assertThatThrownBy(() -> s.withViews("x", List.of())).hasMessageContaining("views must be distinct");
        assertThat(ImageBackboneSpec.byId("mobilenet-v2-mirror").views()).containsExactly("identity", "mirror");
        assertThat(ImageBackboneSpec.MOBILENET_V2.describe()).doesNotContain("views");
        assertThat(ImageBackboneSpec.MOBILENET_V2_MIRROR.describe()).contains("views identity+mirror");
    }

    private static float[] mirror(float[] chw) {
        float[] out = new float[chw.length];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < SIDE; y++) {
                for (int x = 0; x < SIDE; x++) {
                    out[(c * SIDE + y) * SIDE + x] = chw[(c * SIDE + y) * SIDE + SIDE - 1 - x];
                }
            }
        }
        return out;
    }

    private static float maxDifference(float[] a, float[] b) {
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
