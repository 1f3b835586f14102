package io.vilstream.model.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class ImageAugmenterTest {

    private static final int S = 16;

    @Test
    void isDeterministicForASeedAndStaysInRange() {
        ImageAugmenter aug = new ImageAugmenter(ImageAugmenter.Settings.ernieVil());
        float[] img = gradient();
        float[] a = aug.augment(img, S, new SplittableRandom(7));
        float[] b = aug.augment(img, S, new SplittableRandom(7));
        assertThat(a).containsExactly(b);
        assertThat(a).isNotEqualTo(img);
        for (float v : a) {
            assertThat(v).isBetween(0f, 1f);
        }
    }

    @Test
    void neverFlipsByDefault() {
        ImageAugmenter aug = new ImageAugmenter(ImageAugmenter.Settings.ernieVil());
        assertThat(aug.settings().flipProbability()).isZero();
        // a left-dark/right-bright image keeps its left-to-right order through any augmentation
        float[] img = gradient();
        for (int seed = 0; seed < 20; seed++) {
            float[] out = aug.augment(img, S, new SplittableRandom(seed));
            float left = 0;
            float right = 0;
            for (int y = 0; y < S; y++) {
                left += out[y * S + 1];
                right += out[y * S + S - 2];
            }
            assertThat(left).as("seed %d", seed).isLessThanOrEqualTo(right + 1e-4f);
        }
    }

    @Test
    void colourPreservingViewsKeepHue() {
        ImageAugmenter.Settings s = ImageAugmenter.Settings.colourPreserving();
        assertThat(s.hue()).isZero();
        assertThat(s.grayscaleProbability()).isZero();
    }

    private static float[] gradient() {
        float[] img = new float[3 * S * S];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < S; y++) {
                for (int x = 0; x < S; x++) {
                    img[c * S * S + y * S + x] = x / (float) (S - 1);
                }
            }
        }
        return img;
    }

    @Test
    void drawingsRepaintOnlyTheWhiteBackground() {
        // a red square on white
        float[] img = redSquareOnWhite();
        float[] out = img.clone();
        ImageAugmenter.background(out, S, new SplittableRandom(3));
        int plane = S * S;
        int centre = (S / 2) * S + S / 2;
        assertThat(new float[] {out[centre], out[plane + centre], out[2 * plane + centre]}).containsExactly(1f, 0f, 0f);
        assertThat(new float[] {out[0], out[plane], out[2 * plane]}).isNotEqualTo(new float[] {1f, 1f, 1f});
    }

    @Test
    void drawingsKeepColourThroughRotationZoomAndJitter() {
        ImageAugmenter aug = new ImageAugmenter(ImageAugmenter.Settings.drawings());
        assertThat(aug.settings().hue()).isZero();
        assertThat(aug.settings().grayscaleProbability()).isZero();
        int plane = S * S;
        for (int seed = 0; seed < 50; seed++) {
            float[] out = aug.augment(redSquareOnWhite(), S, new SplittableRandom(seed));
            // the most saturated pixel is still red: rotation, zoom and jitter move and light it, never recolour it
            int best = 0;
            float bestSat = -1;
            for (int i = 0; i < plane; i++) {
                float sat = out[i] - Math.max(out[plane + i], out[2 * plane + i]);
                if (sat > bestSat) {
                    bestSat = sat;
                    best = i;
                }
            }
            assertThat(bestSat).as("seed %d", seed).isGreaterThan(0.3f);
            assertThat(out[best]).isGreaterThan(out[plane + best]);
        }
    }

    @Test
    void noRotationAndNoZoomIsTheIdentity() {
        ImageAugmenter.Settings none = ImageAugmenter.Settings.none();
        ImageAugmenter.Settings still = new ImageAugmenter.Settings(1f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0.1f, 0.1f, 0f, 1e-9f, 1f, 0f);
        float[] img = gradient();
        float[] out = new ImageAugmenter(still).rotateAndZoom(img, S, new SplittableRandom(1));
        assertThat(out).containsExactly(img, org.assertj.core.data.Offset.offset(1e-4f));
        assertThat(new ImageAugmenter(none).augment(img, S, new SplittableRandom(1))).containsExactly(img);
    }

    private static float[] redSquareOnWhite() {
        int plane = S * S;
        float[] img = new float[3 * plane];
        java.util.Arrays.fill(img, 1f);
        for (int y = S / 4; y < 3 * S / 4; y++) {
            for (int x = S / 4; x < 3 * S / 4; x++) {
                img[plane + y * S + x] = 0f;
                img[2 * plane + y * S + x] = 0f;
            }
        }
        return img;
    }
}
