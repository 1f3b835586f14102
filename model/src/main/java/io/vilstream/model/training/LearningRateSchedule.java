package io.vilstream.model.training;

import ai.djl.training.tracker.Tracker;

/**
 * Linear warm-up, then cosine decay to {@code min} over {@code totalSteps}; with
 * {@code totalSteps = 0} the rate stays at {@code peak} after warm-up (online training has no
 * end to decay towards).
 */
public record LearningRateSchedule(float peak, float min, int warmupSteps, int totalSteps) implements Tracker {

    @Override
    public float getNewValue(int numUpdate) {
        return at(numUpdate);
    }

    public LearningRateSchedule withTotalSteps(int total) {
        return new LearningRateSchedule(peak, min, warmupSteps, total);
    }

    public float at(long step) {
        if (warmupSteps > 0 && step < warmupSteps) {
            return peak * (step + 1) / warmupSteps;
        }
        if (totalSteps <= 0) {
            return peak;
        }
        double progress = Math.min(1.0, (step - warmupSteps) / (double) Math.max(1, totalSteps - warmupSteps));
        return (float) (min + (peak - min) * 0.5 * (1 + Math.cos(Math.PI * progress)));
    }
}
