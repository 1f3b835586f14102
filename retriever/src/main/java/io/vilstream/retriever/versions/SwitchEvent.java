package io.vilstream.retriever.versions;

import java.time.Instant;

/**
 * One change of the served version.
 *
 * @param from   the version served before, null at start-up
 * @param to     the version served after
 * @param items  items of the new version's index at the switch
 */
public record SwitchEvent(Long from, long to, ServingPolicy.Kind kind, String reason, int items, Instant at) {
}
