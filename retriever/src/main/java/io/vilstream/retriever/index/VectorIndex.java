package io.vilstream.retriever.index;

import java.util.List;

/**
 * A gallery of unit vectors keyed by content id, searched by dot product. One writer (the
 * ingesting thread) and any number of concurrent searchers; a write becomes visible to searches
 * at the latest after {@link #refresh()}.
 */
public interface VectorIndex extends AutoCloseable {

    int dimension();

    /** Adds or replaces the vector of an id. */
    void upsert(String id, float[] vector);

    /** Removes an id; false when it was not there. */
    boolean remove(String id);

    /** Makes the writes so far visible to searches (a batch boundary). */
    void refresh();

    /** The best {@code k} ids for a query vector, best first. */
    List<ScoredId> search(float[] query, int k);

    /** Vectors held (visible or not yet refreshed). */
    int size();

    @Override
    void close();

    /** An index of the given type. */
    static VectorIndex create(IndexType type, int dimension, HnswIndex.Params hnsw) {
        return switch (type) {
            case EXACT -> new ExactIndex(dimension);
            case HNSW -> new HnswIndex(dimension, hnsw);
        };
    }
}
