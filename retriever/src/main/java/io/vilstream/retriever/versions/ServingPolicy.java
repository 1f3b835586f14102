package io.vilstream.retriever.versions;

import java.util.Comparator;
import java.util.Map;
import java.util.Optional;

/**
 * When the retriever changes the version it serves: a pure function of what it holds, so the
 * rule can be read and tested apart from threads and topics.
 *
 * <ul>
 *   <li>Nothing is decided before the embedding topics have been read to their end once (a
 *       restart must not serve a half-read index).</li>
 *   <li>Start-up (nothing served): the held version, not above the target, with the most items;
 *       ties go to the target, then to the newer version. The target itself once it covers
 *       that one (next rule).</li>
 *   <li>Promotion (target above served): switch when the target's index <em>covers</em> the
 *       served one, i.e. ids(target) ⊇ ids(served), and is not empty. Until then the served
 *       version answers everything.</li>
 *   <li>Rollback (target below served): switch at once when the target's index is held and not
 *       empty and {@code rollbackImmediate} is set (the operator judged the newer version bad);
 *       otherwise as a promotion.</li>
 *   <li>A version whose towers cannot be loaded is never chosen.</li>
 * </ul>
 */
public final class ServingPolicy {

    private final boolean rollbackImmediate;

    public ServingPolicy(boolean rollbackImmediate) {
        this.rollbackImmediate = rollbackImmediate;
    }

    /**
     * What one held version looks like to the policy.
     *
     * @param items        searchable items
     * @param coversServed ids(this) ⊇ ids(served); true when nothing is served
     * @param loadable     its query towers loaded or may still load
     */
    public record Facts(long version, int items, boolean coversServed, boolean loadable) {
    }

    /** Why a switch happens. */
    public enum Kind { STARTUP, PROMOTION, ROLLBACK }

    /** A switch to make, or none with the reason for waiting. */
    public record Decision(Optional<Long> switchTo, Kind kind, String reason) {
        static Decision stay(String reason) {
            return new Decision(Optional.empty(), null, reason);
        }

        static Decision to(long version, Kind kind, String reason) {
            return new Decision(Optional.of(version), kind, reason);
        }
    }

    public Decision decide(Long served, long target, boolean caughtUp, Map<Long, Facts> held) {
        if (!caughtUp) {
            return Decision.stay("reading the embedding topics");
        }
        Facts t = held.get(target);
        if (served == null) {
            Optional<Facts> best = held.values().stream()
                    .filter(f -> f.version() <= target && f.items() > 0 && f.loadable())
                    .max(Comparator.comparingInt(Facts::items)
                            .thenComparing(f -> f.version() == target)
                            .thenComparingLong(Facts::version));
            return best.map(f -> Decision.to(f.version(), Kind.STARTUP, f.version() == target
                            ? "start-up: serving the promoted version " + target + " (" + f.items() + " items)"
                            : "start-up: the promoted version " + target + " holds " + (t == null ? 0 : t.items())
                                    + " items; serving version " + f.version() + " (" + f.items() + " items) until "
                                    + target + " covers it"))
                    .orElseGet(() -> Decision.stay("no embeddings of version " + target + " or below yet"));
        }
        if (served == target) {
            return Decision.stay("serving the promoted version " + target);
        }
        if (t == null || t.items() == 0) {
            return Decision.stay("version " + target + " is promoted; its index is empty: serving " + served);
        }
        if (!t.loadable()) {
            return Decision.stay("the towers of version " + target + " cannot be loaded: serving " + served);
        }
        if (target < served && rollbackImmediate) {
            return Decision.to(target, Kind.ROLLBACK, "rollback: version " + served + " was rolled back to " + target);
        }
        if (t.coversServed()) {
            Kind kind = target > served ? Kind.PROMOTION : Kind.ROLLBACK;
            return Decision.to(target, kind, "version " + target + " covers every item of version " + served
                    + " (" + t.items() + " items)");
        }
        return Decision.stay("version " + target + " does not cover version " + served + " yet: serving " + served);
    }
}
