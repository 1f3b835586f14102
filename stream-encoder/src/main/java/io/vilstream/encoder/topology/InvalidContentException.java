package io.vilstream.encoder.topology;

/**
 * A content event the encoder will not process, with the reason code that starts its message
 * (and names the DLQ metric's {@code reason} tag).
 */
public final class InvalidContentException extends Exception {

    /** Why a content event was refused. */
    public enum Reason {
        NULL_VALUE, NO_IMAGE, TOO_MANY_IMAGES, NO_CAPTION, EMPTY_CAPTION, TOO_MANY_CAPTIONS, CAPTION_TOO_LONG,
        INVALID_UTF8, TOO_MANY_TAGS, EMPTY_IMAGE, IMAGE_TOO_LARGE, IMAGE_TOO_MANY_PIXELS, NOT_AN_IMAGE,
        UNDECODABLE_IMAGE, KEY_MISMATCH, EMPTY_ID
    }

    private final Reason reason;

    public InvalidContentException(Reason reason, String detail) {
        super(reason.name() + ": " + detail);
        this.reason = reason;
    }

    public InvalidContentException(Reason reason, String detail, Throwable cause) {
        super(reason.name() + ": " + detail, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
