package io.vilstream.retriever.versions;

/** No index can answer: none is served yet, or the served one was released mid-query. */
public final class VersionUnavailableException extends RuntimeException {

    public VersionUnavailableException(String message) {
        super(message);
    }
}
