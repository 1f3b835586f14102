package io.vilstream.model.loss;

import java.util.EnumMap;
import java.util.Map;

/**
 * λ per view pair (0 switches a pair off) and the weight of the tagger's binary cross-entropy.
 * The presets are the ablation's variants.
 */
public record LossWeights(Map<ViewPair, Float> pairs, float tagger) {

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
    }

    /** Full multi-view: every pair at λ = 1, and the tagger trained jointly. */
    public static LossWeights multiView() {
        return new LossWeights(Map.of(ViewPair.IMAGE_TEXT, 1f, ViewPair.IMAGE_TAGS, 1f,
                ViewPair.IMAGE_IMAGE, 1f, ViewPair.TEXT_TEXT, 1f), 1f);
    }

    /** Multi-view without the object-tag view (the tagger still trains, for the tags topic). */
    public static LossWeights multiViewNoTags() {
        return new LossWeights(Map.of(ViewPair.IMAGE_TEXT, 1f, ViewPair.IMAGE_IMAGE, 1f,
                ViewPair.TEXT_TEXT, 1f), 1f);
    }

    /** The single-view CLIP baseline: (I, T) only. */
    public static LossWeights singleView() {
        return new LossWeights(Map.of(ViewPair.IMAGE_TEXT, 1f), 1f);
    }

    public float weight(ViewPair p) {
        return pairs.get(p);
    }

    public boolean enabled(ViewPair p) {
        return pairs.get(p) > 0f;
    }
}
