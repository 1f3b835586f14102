package io.vilstream.model.image;

import java.util.SplittableRandom;

/**
 * The image augmentations of ERNIE-ViL 2.0's released code (docs/LEARNING.md) on the tower's input
 * ({@code [3 × s × s]} floats in 0..1): random resized crop, colour jitter, grayscale and
 * Gaussian blur, each with its probability. Horizontal flip exists but is off by default:
 * flipping changes meaning ("left arrow").
 *
 * <p>Pure Java on 64×64 inputs costs well under a millisecond a view, so it runs on the
 * trainer's thread; randomness comes only from the caller's generator (deterministic runs).
 */
public final class ImageAugmenter {

    private final Settings settings;

    public ImageAugmenter(Settings settings) {
        this.settings = settings;
    }

    public Settings settings() {
        return settings;
    }

    /** Returns a new augmented array; the input is not modified. */
    public float[] augment(float[] chw, int size, SplittableRandom rng) {
        float[] out = chw.clone();
        if (settings.backgroundProbability() > 0 && rng.nextDouble() < settings.backgroundProbability()) {
            background(out, size, rng);
        }
        if (settings.cropScaleMin() < 1f) {
            out = randomResizedCrop(out, size, rng);
        }
        if (settings.rotationDegrees() > 0 || settings.zoomOutMin() < 1f) {
            out = rotateAndZoom(out, size, rng);
        }
        if (settings.flipProbability() > 0 && rng.nextDouble() < settings.flipProbability()) {
            flip(out, size);
        }
        if (rng.nextDouble() < settings.jitterProbability()) {
            colorJitter(out, size, rng);
        }
        if (rng.nextDouble() < settings.grayscaleProbability()) {
            grayscale(out, size);
        }
        if (rng.nextDouble() < settings.blurProbability()) {
            double sigma = settings.blurSigmaMin() + rng.nextDouble() * (settings.blurSigmaMax() - settings.blurSigmaMin());
            out = gaussianBlur(out, size, (float) sigma);
        }
        return out;
    }

    float[] randomResizedCrop(float[] src, int size, SplittableRandom rng) {
        double area = size * (double) size;
        for (int attempt = 0; attempt < 10; attempt++) {
            double target = area * (settings.cropScaleMin() + rng.nextDouble() * (1 - settings.cropScaleMin()));
            double logRatio = Math.log(3.0 / 4) + rng.nextDouble() * (Math.log(4.0 / 3) - Math.log(3.0 / 4));
            double ratio = Math.exp(logRatio);
            double w = Math.sqrt(target * ratio);
            double h = Math.sqrt(target / ratio);
            if (w <= size && h <= size) {
                double x0 = rng.nextDouble() * (size - w);
                double y0 = rng.nextDouble() * (size - h);
                return resample(src, size, x0, y0, w, h);
            }
        }
        return src;
    }

    /**
     * Repaints the background — the pixels the decoder flattened onto white — in a random light
     * or mid colour, leaving the drawing's own colours alone: producers' pictures sit on all
     * kinds of backgrounds, and the tower should not learn "white around it" as part of a concept.
     */
    static void background(float[] img, int size, SplittableRandom rng) {
        int plane = size * size;
        float r = (float) (0.3 + 0.7 * rng.nextDouble());
        float g = (float) (0.3 + 0.7 * rng.nextDouble());
        float b = (float) (0.3 + 0.7 * rng.nextDouble());
        for (int i = 0; i < plane; i++) {
            // how white the pixel is: 1 for the pure background, fading out over anti-aliased edges
            float w = Math.min(img[i], Math.min(img[plane + i], img[2 * plane + i]));
            if (w < 0.9f) {
                continue;
            }
            float a = (w - 0.9f) / 0.1f;
            img[i] = img[i] * (1 - a) + r * a;
            img[plane + i] = img[plane + i] * (1 - a) + g * a;
            img[2 * plane + i] = img[2 * plane + i] * (1 - a) + b * a;
        }
    }

    /**
     * A small rotation about the centre and a zoom-out (the drawing shrunk onto the background,
     * shifted at random within the room that leaves): drawings of one concept differ in pose and
     * in how much of the frame they fill. Samples outside the source read the corner pixel's
     * colour, which is the background for every emoji.
     */
    float[] rotateAndZoom(float[] src, int size, SplittableRandom rng) {
        double angle = Math.toRadians((rng.nextDouble() * 2 - 1) * settings.rotationDegrees());
        double scale = settings.zoomOutMin() + rng.nextDouble() * (1 - settings.zoomOutMin());
        double room = (1 - scale) * size / 2;
        double tx = (rng.nextDouble() * 2 - 1) * room;
        double ty = (rng.nextDouble() * 2 - 1) * room;
        double cos = Math.cos(angle) / scale;
        double sin = Math.sin(angle) / scale;
        double c = (size - 1) / 2.0;
        int plane = size * size;
        float[] out = new float[src.length];
        float[] fill = {src[0], src[plane], src[2 * plane]};
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                // inverse map: output pixel → source position
                double dx = x - c - tx;
                double dy = y - c - ty;
                double sx = cos * dx + sin * dy + c;
                double sy = -sin * dx + cos * dy + c;
                for (int ch = 0; ch < 3; ch++) {
                    out[ch * plane + y * size + x] = sample(src, size, ch, sx, sy, fill[ch]);
                }
            }
        }
        return out;
    }

    private static float sample(float[] src, int size, int ch, double sx, double sy, float fill) {
        if (sx < -0.5 || sy < -0.5 || sx > size - 0.5 || sy > size - 0.5) {
            return fill;
        }
        // neighbours from the unclamped floor: left of the first pixel both are the first pixel
        int fx0 = (int) Math.floor(sx);
        int fy0 = (int) Math.floor(sy);
        int x0 = clamp(fx0, size);
        int y0 = clamp(fy0, size);
        int x1 = clamp(fx0 + 1, size);
        int y1 = clamp(fy0 + 1, size);
        float fx = (float) (sx - Math.floor(sx));
        float fy = (float) (sy - Math.floor(sy));
        int o = ch * size * size;
        float top = src[o + y0 * size + x0] * (1 - fx) + src[o + y0 * size + x1] * fx;
        float bottom = src[o + y1 * size + x0] * (1 - fx) + src[o + y1 * size + x1] * fx;
        return top * (1 - fy) + bottom * fy;
    }

    /** Bilinear resample of the box (x0, y0, w, h) of src back to size × size. */
    static float[] resample(float[] src, int size, double x0, double y0, double w, double h) {
        int plane = size * size;
        float[] out = new float[src.length];
        for (int y = 0; y < size; y++) {
            double sy = y0 + (y + 0.5) * h / size - 0.5;
            int fya = (int) Math.floor(sy);
            int ya = clamp(fya, size);
            int yb = clamp(fya + 1, size);
            float fy = (float) (sy - Math.floor(sy));
            for (int x = 0; x < size; x++) {
                double sx = x0 + (x + 0.5) * w / size - 0.5;
                int fxa = (int) Math.floor(sx);
                int xa = clamp(fxa, size);
                int xb = clamp(fxa + 1, size);
                float fx = (float) (sx - Math.floor(sx));
                for (int c = 0; c < 3; c++) {
                    int o = c * plane;
                    float top = src[o + ya * size + xa] * (1 - fx) + src[o + ya * size + xb] * fx;
                    float bottom = src[o + yb * size + xa] * (1 - fx) + src[o + yb * size + xb] * fx;
                    out[o + y * size + x] = top * (1 - fy) + bottom * fy;
                }
            }
        }
        return out;
    }

    private static int clamp(int v, int size) {
        return Math.max(0, Math.min(size - 1, v));
    }

    static void flip(float[] img, int size) {
        int plane = size * size;
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < size; y++) {
                int row = c * plane + y * size;
                for (int x = 0; x < size / 2; x++) {
                    float t = img[row + x];
                    img[row + x] = img[row + size - 1 - x];
                    img[row + size - 1 - x] = t;
                }
            }
        }
    }

    void colorJitter(float[] img, int size, SplittableRandom rng) {
        int plane = size * size;
        // torchvision applies the four jitters in random order; a fixed order is close enough here
        float brightness = factor(settings.brightness(), rng);
        float contrast = factor(settings.contrast(), rng);
        float saturation = factor(settings.saturation(), rng);
        float hue = (float) ((rng.nextDouble() * 2 - 1) * settings.hue());
        float mean = 0;
        for (int i = 0; i < plane; i++) {
            mean += luma(img[i], img[plane + i], img[2 * plane + i]);
        }
        mean = mean * brightness / plane;
        for (int i = 0; i < plane; i++) {
            float r = img[i] * brightness;
            float g = img[plane + i] * brightness;
            float b = img[2 * plane + i] * brightness;
            r = (r - mean) * contrast + mean;
            g = (g - mean) * contrast + mean;
            b = (b - mean) * contrast + mean;
            float l = luma(r, g, b);
            r = l + (r - l) * saturation;
            g = l + (g - l) * saturation;
            b = l + (b - l) * saturation;
            if (hue != 0f) {
                float[] rgb = shiftHue(clamp01(r), clamp01(g), clamp01(b), hue);
                r = rgb[0];
                g = rgb[1];
                b = rgb[2];
            }
            img[i] = clamp01(r);
            img[plane + i] = clamp01(g);
            img[2 * plane + i] = clamp01(b);
        }
    }

    private static float factor(float strength, SplittableRandom rng) {
        return (float) (1 - strength + rng.nextDouble() * 2 * strength);
    }

    static void grayscale(float[] img, int size) {
        int plane = size * size;
        for (int i = 0; i < plane; i++) {
            float l = luma(img[i], img[plane + i], img[2 * plane + i]);
            img[i] = l;
            img[plane + i] = l;
            img[2 * plane + i] = l;
        }
    }

    static float[] gaussianBlur(float[] img, int size, float sigma) {
        int radius = Math.max(1, (int) Math.ceil(3 * sigma));
        float[] kernel = new float[2 * radius + 1];
        float sum = 0;
        for (int i = -radius; i <= radius; i++) {
            kernel[i + radius] = (float) Math.exp(-(i * i) / (2.0 * sigma * sigma));
            sum += kernel[i + radius];
        }
        for (int i = 0; i < kernel.length; i++) {
            kernel[i] /= sum;
        }
        int plane = size * size;
        float[] tmp = new float[img.length];
        float[] out = new float[img.length];
        for (int c = 0; c < 3; c++) {
            int o = c * plane;
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    float acc = 0;
                    for (int k = -radius; k <= radius; k++) {
                        acc += kernel[k + radius] * img[o + y * size + clamp(x + k, size)];
                    }
                    tmp[o + y * size + x] = acc;
                }
            }
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    float acc = 0;
                    for (int k = -radius; k <= radius; k++) {
                        acc += kernel[k + radius] * tmp[o + clamp(y + k, size) * size + x];
                    }
                    out[o + y * size + x] = acc;
                }
            }
        }
        return out;
    }

    private static float luma(float r, float g, float b) {
        return 0.299f * r + 0.587f * g + 0.114f * b;
    }

    private static float clamp01(float v) {
        return v < 0 ? 0 : v > 1 ? 1 : v;
    }

    private static float[] shiftHue(float r, float g, float b, float shift) {
        float[] hsb = java.awt.Color.RGBtoHSB(Math.round(r * 255), Math.round(g * 255), Math.round(b * 255), null);
        float h = hsb[0] + shift;
        h -= (float) Math.floor(h);
        int rgb = java.awt.Color.HSBtoRGB(h, hsb[1], hsb[2]);
        return new float[] {((rgb >> 16) & 0xff) / 255f, ((rgb >> 8) & 0xff) / 255f, (rgb & 0xff) / 255f};
    }

    /**
     * Augmentation strengths and probabilities.
     *
     * @param cropScaleMin smallest crop area as a fraction of the image (1 = no crop)
     * @param rotationDegrees largest rotation either way (0 = none)
     * @param zoomOutMin smallest size the drawing is shrunk to, as a fraction (1 = no zoom-out)
     * @param backgroundProbability how often the white background is repainted in a random colour
     */
    public record Settings(float cropScaleMin, float jitterProbability, float brightness, float contrast,
                           float saturation, float hue, float grayscaleProbability, float blurProbability,
                           float blurSigmaMin, float blurSigmaMax, float flipProbability,
                           float rotationDegrees, float zoomOutMin, float backgroundProbability) {

        /** The released ERNIE-ViL 2.0 augmentation, without the horizontal flip. */
        public static Settings ernieVil() {
            return new Settings(0.5f, 0.8f, 0.4f, 0.4f, 0.4f, 0.1f, 0.2f, 0.5f, 0.1f, 2f, 0f, 0f, 1f, 0f);
        }

        /**
         * For drawings of any style (emoji vendors, icons, photos of objects): crops, small
         * rotations, zoom-out, blur, light jitter and a repainted background, and never a hue
         * shift or grayscale, because colour is meaning ("blue heart", skin tones, flags).
         */
        public static Settings drawings() {
            return new Settings(0.55f, 0.8f, 0.3f, 0.3f, 0.2f, 0f, 0f, 0.3f, 0.1f, 1.5f, 0f, 12f, 0.7f, 0.3f);
        }

        /**
         * Geometry and light only: no hue shift, no grayscale. For the views matched against
         * text, because colour is meaning in emoji ("blue heart", "green apple").
         */
        public static Settings colourPreserving() {
            return new Settings(0.6f, 0.8f, 0.3f, 0.3f, 0.2f, 0f, 0f, 0.3f, 0.1f, 1.2f, 0f, 0f, 1f, 0f);
        }

        public static Settings none() {
            return new Settings(1f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0.1f, 0.1f, 0f, 0f, 1f, 0f);
        }
    }
}
