package io.vilstream.modelstore;

/**
 * A version's checkpoint cannot be assembled: chunks missing (for now: the version record can be
 * read before the transaction markers on every chunk partition are), or the bytes fail the
 * sha256 or the recorded size ({@link #corrupt()}: fetching again rarely helps).
 */
public final class CheckpointUnavailableException extends Exception {

    private final boolean corrupt;

    public CheckpointUnavailableException(String message) {
        this(message, false);
    }

    public CheckpointUnavailableException(String message, boolean corrupt) {
        super(message);
        this.corrupt = corrupt;
    }

    /** True when the chunks are all there but do not make the recorded checkpoint. */
    public boolean corrupt() {
        return corrupt;
    }
}
