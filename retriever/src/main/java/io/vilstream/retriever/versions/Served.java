package io.vilstream.retriever.versions;

import java.time.Instant;

/**
 * What answers queries right now: one version's index and the towers of the same version,
 * published together as one immutable value. A query reads it once and uses both halves, so
 * no answer can mix versions, and a switch is one reference assignment.
 */
public record Served(long version, VersionIndex index, QueryEncoder encoder, Instant since) {
}
