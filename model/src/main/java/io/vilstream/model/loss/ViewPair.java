package io.vilstream.model.loss;

/**
 * The view pairs of ERNIE-ViL 2.0's multi-view loss (docs/LEARNING.md). When scales are not
 * shared, each pair has the logit scale at {@link #scaleIndex()}: its own for the first four, and
 * (I′, T) shares (I, T)'s, since both match a drawing with the same caption (so checkpoints keep
 * four scales whichever pairs are trained).
 */
public enum ViewPair {
    /** Image ↔ caption: inter-modal, the pair retrieval is judged on. */
    IMAGE_TEXT("I-T"),
    /** Image ↔ object-tag sequence: inter-modal. */
    IMAGE_TAGS("I-Ttag"),
    /** Image ↔ second image view: intra-modal. */
    IMAGE_IMAGE("I-I'"),
    /** Caption ↔ second caption view: intra-modal. */
    TEXT_TEXT("T-T'"),
    /**
     * Second image view ↔ caption: the other rendition (or augmentation) matched with the same
     * caption, so every image that goes through the tower in a step also learns from the text.
     */
    IMAGE2_TEXT("I'-T");

    /** Distinct logit scales when they are not shared: one per pair that owns its scale. */
    public static final int SCALE_COUNT = 4;

    private final String label;

    ViewPair(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The index of this pair's logit scale among {@link #SCALE_COUNT}. */
    public int scaleIndex() {
        return this == IMAGE2_TEXT ? IMAGE_TEXT.ordinal() : ordinal();
    }

    /** The pair that owns scale {@code index} (its label names the scale in metrics). */
    public static ViewPair ownerOfScale(int index) {
        return values()[index];
    }
}
