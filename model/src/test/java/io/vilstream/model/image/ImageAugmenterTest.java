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
}
