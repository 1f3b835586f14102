package io.vilstream.trainer;

/**
 * A snapshot of the trainer for health checks, logs and tests.
 *
 * @param phase        what the loop is doing
 * @param servedVersion the promoted version the current weights descend from (0 = the seeded initial model)
 * @param lastPublished the last version this instance published, 0 if none
 * @param step         the lineage's training step
 * @param stepsThisRun steps trained by this instance
 * @param itemsTrained anchors trained by this instance (new and replayed)
 * @param promotions   versions this instance promoted
 * @param rejections   candidates this instance rejected
 * @param replaySize   items in the replay buffer
 * @param freshSize    new items waiting for their first step
 * @param validationSize items in the validation set
 * @param failure      why the loop stopped, if it failed
 */
public record TrainerStatus(Phase phase, long servedVersion, long lastPublished, long step, long stepsThisRun,
                            long itemsTrained, long promotions, long rejections, int replaySize, int freshSize,
                            int validationSize, String failure) {

    /** What the training loop is doing. */
    public enum Phase {
        /** Fencing older instances, reading the model topics. */
        STARTING,
        /** Re-reading the content topic up to where it stood at start (rebuilding replay and validation). */
        CATCHING_UP,
        /** Fewer train items than a batch: waiting, blocked in poll. */
        WAITING_FOR_ITEMS,
        /** Training steps. */
        TRAINING,
        /** Nothing new and the idle step budget spent: blocked in poll. */
        IDLE,
        /** Closed. */
        STOPPED,
        /** Stopped by an error (fenced by a newer instance, the cluster gone, ...). */
        FAILED
    }

    static TrainerStatus starting() {
        return new TrainerStatus(Phase.STARTING, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null);
    }
}
