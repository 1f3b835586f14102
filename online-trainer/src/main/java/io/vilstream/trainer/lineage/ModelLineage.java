package io.vilstream.trainer.lineage;

import java.time.Instant;

import io.vilstream.model.checkpoint.CheckpointException;
import io.vilstream.model.config.ModelConfig;
import io.vilstream.model.tagger.TagVocabulary;
import io.vilstream.model.towers.DualEncoder;
import io.vilstream.model.training.ContrastiveTrainer;
import io.vilstream.model.training.StepResult;
import io.vilstream.model.training.TrainingConfig;
import io.vilstream.model.views.TrainingItem;
import io.vilstream.trainer.batch.PlannedBatch;

/**
 * The weights being trained and where they come from: the model, its contrastive trainer
 * (optimiser state, step count), the version they descend from (the next version's parent),
 * and the event time of the newest item trained on since then. A lineage starts from version 0,
 * from the version a restart resumes, or from the version an operator rolled back to; the
 * optimiser's moments start afresh each time (they are not part of a checkpoint).
 */
public final class ModelLineage implements AutoCloseable {

    private final DualEncoder model;
    private final ContrastiveTrainer trainer;
    private long head;
    private Instant newestEventTime;

    private ModelLineage(DualEncoder model, TrainingConfig config, long head, Instant newestEventTime) {
        this.model = model;
        this.trainer = new ContrastiveTrainer(model, config);
        this.head = head;
        this.newestEventTime = newestEventTime;
    }

    /** Version 0: the seeded initial weights with the lineage's (now fixed) tag vocabulary. */
    public static ModelLineage initial(ModelConfig config, TagVocabulary vocabulary, long seed, TrainingConfig training) {
        return new ModelLineage(DualEncoder.create(config, vocabulary, seed), training, 0, null);
    }

    /** Continues from a published version's checkpoint. */
    public static ModelLineage resume(byte[] checkpoint, long version, Instant newestEventTime, TrainingConfig training)
            throws CheckpointException {
        DualEncoder model = DualEncoder.load(checkpoint); // loaded parameters are trainable (DualEncoder.load)
        return new ModelLineage(model, training, version, newestEventTime);
    }

    /**
     * Trains one step on the batch.
     *
     * @throws io.vilstream.model.training.ModelDivergedException when the weights are no longer finite
     */
    public StepResult step(PlannedBatch batch) {
        StepResult r = trainer.step(batch.anchors(), batch.negatives());
        for (TrainingItem a : batch.anchors()) {
            Instant t = a.eventTime();
            if (t != null && (newestEventTime == null || t.isAfter(newestEventTime))) {
                newestEventTime = t;
            }
        }
        return r;
    }

    public boolean hardNegativesActive() {
        return trainer.hardNegativesActive();
    }

    public DualEncoder model() {
        return model;
    }

    public long step() {
        return trainer.step();
    }

    /** The version these weights descend from. */
    public long head() {
        return head;
    }

    /** The weights were just published and promoted as {@code version}: later versions descend from it. */
    public void promoted(long version) {
        head = version;
    }

    /** Event time of the newest item trained on in this lineage, or null before the first step. */
    public Instant newestEventTime() {
        return newestEventTime;
    }

    @Override
    public void close() {
        model.close();
    }
}
