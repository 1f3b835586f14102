package io.vilstream.model.views;

/**
 * The views of one item for one training step (docs/LEARNING.md): I, I′ (image tensors), T, T′
 * (captions) and T_tag (the object-tag sequence; null when the item has no tags and the tagger
 * has produced none). Views a disabled pair does not need may be null.
 */
public record ItemViews(float[] image, float[] image2, String text, String text2, String tagText) {
}
