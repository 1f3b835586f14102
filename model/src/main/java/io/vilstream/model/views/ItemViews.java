package io.vilstream.model.views;

/**
 * The views of one item for one training step (docs/LEARNING.md): I, I′ (image tensors), T, T′
 * (captions) and T_tag (the object-tag sequence; null when the item has no tags and the tagger
 * has produced none). Views a disabled pair does not need may be null. {@code source} and
 * {@code source2} are the renditions I and I′ were augmented from, unchanged: what a frozen
 * image backbone reads (its features are cached per rendition).
 */
public record ItemViews(float[] image, float[] image2, String text, String text2, String tagText,
                        float[] source, float[] source2) {

    /** Views whose sources are not tracked (each image is its own source). */
    public ItemViews(float[] image, float[] image2, String text, String text2, String tagText) {
        this(image, image2, text, text2, tagText, image, image2);
    }
}
