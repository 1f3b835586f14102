package io.vilstream.datasets.item;

import java.util.Objects;

/**
 * A text of an emoji other than its name (which is the retrieval ground truth and kept apart):
 * extra caption views for the text tower (more text knowledge, not compute, is what moves recall: docs/BENCHMARKS.md, bench train).
 */
public record TextForm(String text, Kind kind) {

    /** What the text is; {@link #captionKind()} is the Caption.kind written into events. */
    public enum Kind {
        /** The Unicode character name from emoji.json, lower-cased ("heavy black heart"). */
        UNICODE_NAME("unicode_name"),
        /** A chat short code with '_' read as a space ("heart eyes cat"). */
        SHORTCODE("shortcode");

        private final String captionKind;

        Kind(String captionKind) {
            this.captionKind = captionKind;
        }

        public String captionKind() {
            return captionKind;
        }

        public static Kind fromCaptionKind(String captionKind) {
            for (Kind kind : values()) {
                if (kind.captionKind.equals(captionKind)) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("unknown text form kind '" + captionKind
                    + "', expected unicode_name or shortcode");
        }
    }

    public TextForm {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(kind, "kind");
        if (text.isBlank()) {
            throw new IllegalArgumentException("blank text form");
        }
    }
}
