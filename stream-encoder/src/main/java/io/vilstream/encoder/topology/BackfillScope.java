package io.vilstream.encoder.topology;

/**
 * What a backfill may write, besides what its global view of the image-embedding topic says
 * ({@link EmbeddedState}). That view is filled asynchronously, so on its own it cannot stop a
 * backfill from writing an id's older content after the live encoder wrote newer content, nor a
 * superseded backfill from writing its version after a newer one: the scope decides those from
 * what is known when the backfill starts and from what this instance is serving now. Called on
 * the stream threads.
 */
public interface BackfillScope {

    /** No limits: the live encoder (which never skips) and tests of the embedded-state checks alone. */
    BackfillScope ALL = new BackfillScope() {
        @Override
        public boolean mine(String id, int partition, long offset) {
            return true;
        }

        @Override
        public boolean superseded() {
            return false;
        }

        @Override
        public boolean newerServing(long version) {
            return true;
        }
    };

    /**
     * Whether the content record of {@code id} at {@code offset} of {@code partition} is this
     * backfill's to embed: below its target (the live group's committed offsets when it started;
     * the live encoder embeds what comes after with the new version), and the id's latest record
     * below the target (an older record would put stale content after newer content; the newer
     * record, or its deletion, is embedded in its turn).
     */
    boolean mine(String id, int partition, long offset);

    /** Whether a newer version is served now on this instance: the backfill must write nothing more. */
    boolean superseded();

    /**
     * Whether an embedding of {@code version}, above the backfill's own, may come from a newer
     * serving than the backfill's (it is superseded, and this instance has not heard yet): a
     * version recorded after the backfill began, or a candidate then (it may have been promoted
     * since). Any other version above the backfill's had been rolled back when it began (an
     * instance slow to swap may still write it for a while): a rollback to this version redoes
     * its embeddings.
     */
    boolean newerServing(long version);
}
