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

    /**
     * How many steps the whole run will take, for the learning-rate schedule: the steps done so
     * far plus what the time left holds at the current step time (the step budget caps it).
     *
     * @param stepsDone     steps taken so far
     * @param elapsedNanos  time spent so far
     * @param millisPerStep the current step time (recent steps: a first epoch that fills caches is slower)
     */
    public long scheduleSteps(long stepsDone, long elapsedNanos, double millisPerStep) {
        long byTime = Long.MAX_VALUE;
        if (maxTime != null) {
            double leftMillis = Math.max(0, maxTime.toMillis() - elapsedNanos / 1e6);
            byTime = stepsDone + (long) (leftMillis / Math.max(1e-3, millisPerStep));
        }
        long bySteps = maxSteps > 0 ? maxSteps : Long.MAX_VALUE;
        return Math.max(stepsDone, Math.min(byTime, bySteps));
    }
}
