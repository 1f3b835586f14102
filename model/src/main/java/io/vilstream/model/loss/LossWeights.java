package io.vilstream.model.loss;

import java.util.EnumMap;
import java.util.Map;

/**
 * λ per view pair (0 switches a pair off), the weight of the tagger's binary cross-entropy, and
 * how much of each image–caption target is spread over the batch's other captions by their
 * similarity ({@code softTargets}, α; 0 = one-hot InfoNCE). The presets are the ablation's
 * variants.
 *
 * <p>Soft targets: for anchor k the target over the batch's captions is
 * {@code (1 − α)·onehot(k) + α·softmax_{l≠k}(SOFT_TARGET_SCALE · ⟨T_k, T_l⟩)}, computed from the
 * caption embeddings without gradient. An image of "smiling face with hearts" is then asked to
 * score "smiling face with heart-eyes" above "flag: Chad", not both alike: the image tower
 * learns the text space's neighbourhoods, which is what carries over to concepts it never saw.
 */
public record LossWeights(Map<ViewPair, Float> pairs, float tagger, float softTargets) {

    /** Sharpness of the soft targets' softmax over caption similarities (a temperature of 0.05). */
    public static final float SOFT_TARGET_SCALE = 20f;

    public LossWeights(Map<ViewPair, Float> pairs, float tagger) {
        this(pairs, tagger, 0f);
    }

    public LossWeights {
        EnumMap<ViewPair, Float> copy = new EnumMap<>(ViewPair.class);
        for (ViewPair p : ViewPair.values()) {
            float w = pairs.getOrDefault(p, 0f);
            if (w < 0 || Float.isNaN(w)) {
                throw new IllegalArgumentException("loss weight of " + p + " must be >= 0");
            }
            copy.put(p, w);
        }
        pairs = Map.copyOf(copy);
        if (tagger < 0) {
            throw new IllegalArgumentException("tagger loss weight must be >= 0");
        }
        if (!(softTargets >= 0 && softTargets < 1)) {
            throw new IllegalArgumentException("softTargets must be in [0, 1), got " + softTargets);
        }
    }

    /**
     * Full multi-view: every pair at λ = 1 — (I, T), (I′, T) (the second rendition is a positive
     * of the caption too), (I, T_tag), (I, I′), (T, T′) — and the tagger trained jointly.
     */
    public static LossWeights multiView() {
        return new LossWeights(Map.of(ViewPair.IMAGE_TEXT, 1f, ViewPair.IMAGE2_TEXT, 1f, ViewPair.IMAGE_TAGS, 1f,
                ViewPair.IMAGE_IMAGE, 1f, ViewPair.TEXT_TEXT, 1f), 1f);
    }

    /** Multi-view without the object-tag view (the tagger still trains, for the tags topic). */
    public static LossWeights multiViewNoTags() {
        return new LossWeights(Map.of(ViewPair.IMAGE_TEXT, 1f, ViewPair.IMAGE2_TEXT, 1f, ViewPair.IMAGE_IMAGE, 1f,
                ViewPair.TEXT_TEXT, 1f), 1f);
    }

    /** The single-view CLIP baseline: (I, T) only. */
    public static LossWeights singleView() {
        return new LossWeights(Map.of(ViewPair.IMAGE_TEXT, 1f), 1f);
    }

    /** The same weights with pair {@code p} at {@code w}. */
    public LossWeights with(ViewPair p, float w) {
        java.util.Map<ViewPair, Float> copy = new EnumMap<>(pairs);
        copy.put(p, w);
        return new LossWeights(copy, tagger, softTargets);
    }

    /** The same weights with soft image–caption targets of mass α on the other captions. */
    public LossWeights withSoftTargets(float alpha) {
        return new LossWeights(pairs, tagger, alpha);
    }

    public float weight(ViewPair p) {
        return pairs.get(p);
    }

    public boolean enabled(ViewPair p) {
        return pairs.get(p) > 0f;
    }
}
