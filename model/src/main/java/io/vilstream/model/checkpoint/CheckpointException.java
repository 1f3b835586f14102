package io.vilstream.model.checkpoint;

/** A checkpoint that cannot be loaded, and why. */
public final class CheckpointException extends Exception {

    /** What is wrong with the bytes. */
    public enum Reason {
        /** The bytes do not start with the vilstream checkpoint magic. */
        NOT_A_CHECKPOINT,
        /** Written by a format version this build does not read. */
        UNSUPPORTED_VERSION,
        /** Fewer bytes than the header promises. */
        TRUNCATED,
        /** The SHA-256 over the content does not match: bytes changed after writing. */
        CORRUPTED,
        /** Well-formed, but the parameters do not fit the architecture in its header. */
        INCOMPATIBLE
    }

    private final Reason reason;

    public CheckpointException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public CheckpointException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
