package io.vilstream.model.image;

/** An image that cannot be used, with the reason the stream encoder reports in its DLQ. */
public final class ImageRejectedException extends Exception {

    /** Why an image was refused. */
    public enum Reason {
        /** No bytes at all. */
        EMPTY,
        /** More bytes than the configured limit. */
        TOO_MANY_BYTES,
        /** Declared width × height (read from the header) over the limit: a decompression bomb. */
        TOO_MANY_PIXELS,
        /** No image reader recognises the bytes. */
        NOT_AN_IMAGE,
        /** Recognised, but decoding failed (truncated or corrupt data). */
        UNDECODABLE
    }

    private final Reason reason;

    public ImageRejectedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public ImageRejectedException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
