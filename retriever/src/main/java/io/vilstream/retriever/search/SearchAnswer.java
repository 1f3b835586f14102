package io.vilstream.retriever.search;

import java.util.List;

import io.vilstream.retriever.index.ScoredId;

/**
 * One query's answer: the version whose towers encoded the query and whose index was searched
 * (the same one, always), and the hits, best first.
 */
public record SearchAnswer(long version, List<ScoredId> hits, long tookNanos) {
}
