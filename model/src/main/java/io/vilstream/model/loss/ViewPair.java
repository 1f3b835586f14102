package io.vilstream.model.loss;

/**
 * The view pairs of ERNIE-ViL 2.0's multi-view loss (docs/LEARNING.md). The ordinal is the index of
 * the pair's own logit scale when scales are not shared.
 */
public enum ViewPair {
    /** Image ↔ caption: inter-modal, the pair retrieval is judged on. */
    IMAGE_TEXT("I-T"),
    /** Image ↔ object-tag sequence: inter-modal. */
    IMAGE_TAGS("I-Ttag"),
    /** Image ↔ second image view: intra-modal. */
    IMAGE_IMAGE("I-I'"),
    /** Caption ↔ second caption view: intra-modal. */
    TEXT_TEXT("T-T'");

    private final String label;

    ViewPair(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
