package io.vilstream.model.training;

import java.time.Duration;

/**
 * How long a training run may go: a number of steps, a wall-clock time, or both (whichever
 * ends first). Equal budgets make variants comparable; a time budget makes cheaper variants
 * take more steps, which is the fair comparison on fixed hardware.
 */
public record Budget(long maxSteps, Duration maxTime) {

    public Budget {
        if (maxSteps <= 0 && (maxTime == null || maxTime.isZero() || maxTime.isNegative())) {
            throw new IllegalArgumentException("a budget needs a positive step count or duration");
        }
    }

    public static Budget steps(long steps) {
        return new Budget(steps, null);
    }

    public static Budget time(Duration d) {
        return new Budget(0, d);
    }

    public boolean exhausted(long steps, long elapsedNanos) {
        return (maxSteps > 0 && steps >= maxSteps) || (maxTime != null && elapsedNanos >= maxTime.toNanos());
    }

    /** A step-count estimate for the learning-rate schedule, from a measured step time. */
    public int scheduleSteps(double millisPerStep) {
        long byTime = maxTime == null ? Long.MAX_VALUE : (long) (maxTime.toMillis() / Math.max(1, millisPerStep));
        long bySteps = maxSteps > 0 ? maxSteps : Long.MAX_VALUE;
        return (int) Math.min(Integer.MAX_VALUE, Math.min(byTime, bySteps));
    }
}
