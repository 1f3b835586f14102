package io.vilstream.retriever.index;

/** One search hit: a content id and its similarity (dot product of unit vectors, i.e. cosine). */
public record ScoredId(String id, float score) {
}
