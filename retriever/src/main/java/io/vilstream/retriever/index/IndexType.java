package io.vilstream.retriever.index;

import java.util.Locale;

/** Which search structure a version's galleries use ({@code retriever.index.type}). */
public enum IndexType {
    /** Brute force over every vector with a SIMD kernel: exact answers. */
    EXACT,
    /** Lucene's HNSW graph: approximate, sub-linear, for large galleries. */
    HNSW;

    public static IndexType parse(String text) {
        String key = text == null ? "" : text.trim().toUpperCase(Locale.ROOT);
        for (IndexType t : values()) {
            if (t.name().equals(key)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown index type '" + text + "', expected exact or hnsw");
    }
}
