package io.vilstream.modelstore;

import java.time.Duration;

/**
 * When to try loading a served version's checkpoint again after a failure. A version record can
 * be visible before its chunks are (the transaction's markers reach the chunk partitions one by
 * one), so "missing chunks" is retried with a bounded exponential back-off for as long as the
 * version is served. A checkpoint that is there but corrupt (sha256, size, digest or format) is
 * retried a bounded number of times, then given up on until another version is served: it does
 * not spin. One version at a time; not thread-safe (owners synchronise).
 */
public final class LoadBackoff {

    /**
     * @param first           the wait after the first failure; doubled after each further one
     * @param max             the longest wait
     * @param corruptAttempts attempts at a corrupt checkpoint before giving up on it
     */
    public record Policy(Duration first, Duration max, int corruptAttempts) {

        public Policy {
            if (first.isNegative() || first.isZero() || max.compareTo(first) < 0 || corruptAttempts < 1) {
                throw new IllegalArgumentException("need 0 < first <= max and corruptAttempts >= 1");
            }
        }

        /** 1 s, doubling to 1 min; a corrupt checkpoint is tried 5 times. */
        public static Policy defaults() {
            return new Policy(Duration.ofSeconds(1), Duration.ofMinutes(1), 5);
        }
    }

    /** What to do after a failure: try again after {@code delay}, or give up ({@code delay} null). */
    public record Next(Duration delay, int failures) {
        public boolean givenUp() {
            return delay == null;
        }
    }

    private final Policy policy;
    private long version = -1;
    private int failures;
    private int corruptFailures;
    private long nextNanos;
    private boolean givenUp;

    public LoadBackoff(Policy policy) {
        this.policy = policy;
    }

    /** Records a failed attempt at {@code version}. */
    public Next failed(long version, boolean corrupt, long nowNanos) {
        if (version != this.version) {
            reset(version);
        }
        failures++;
        if (corrupt && ++corruptFailures >= policy.corruptAttempts()) {
            givenUp = true;
            return new Next(null, failures);
        }
        Duration delay = delay(failures);
        nextNanos = nowNanos + delay.toNanos();
        return new Next(delay, failures);
    }

    /** Whether an attempt at {@code version} may be made now (a new version always may). */
    public boolean due(long version, long nowNanos) {
        return version != this.version || (!givenUp && nowNanos - nextNanos >= 0);
    }

    /** Whether this version was given up on (corrupt too often). */
    public boolean givenUp(long version) {
        return version == this.version && givenUp;
    }

    /** A version loaded: forget its failures. */
    public void succeeded(long version) {
        if (version == this.version) {
            reset(-1);
        }
    }

    Duration delay(int failures) {
        long ms = policy.first().toMillis();
        for (int i = 1; i < failures && ms < policy.max().toMillis(); i++) {
            ms *= 2;
        }
        return Duration.ofMillis(Math.min(ms, policy.max().toMillis()));
    }

    private void reset(long version) {
        this.version = version;
        failures = 0;
        corruptFailures = 0;
        nextNanos = 0;
        givenUp = false;
    }
}
