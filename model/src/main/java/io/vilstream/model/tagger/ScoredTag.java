package io.vilstream.model.tagger;

/** One generated tag and its sigmoid probability. */
public record ScoredTag(String tag, float score) {
}
