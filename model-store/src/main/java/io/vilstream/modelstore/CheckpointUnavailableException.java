package io.vilstream.modelstore;

/** A version's checkpoint cannot be assembled: chunks missing, or the bytes fail the sha256. */
public final class CheckpointUnavailableException extends Exception {

    public CheckpointUnavailableException(String message) {
        super(message);
    }
}
