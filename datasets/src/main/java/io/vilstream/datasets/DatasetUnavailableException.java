package io.vilstream.datasets;

/**
 * The full emoji set could not be made available (npm missing, no network, integrity mismatch,
 * unreadable cache). The message says what failed and that the committed fixture still works,
 * because the caller is usually a person at a command line who can switch to it.
 */
public class DatasetUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public static final String FIXTURE_HINT =
            "The committed fixture still works offline (--dataset fixture, EmojiDataset.fixture()).";

    public DatasetUnavailableException(String message) {
        super(message);
    }

    public DatasetUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
