package io.vilstream.trainer.gate;

import io.vilstream.model.towers.DualEncoder;
import io.vilstream.trainer.validation.ValidationSet;

/**
 * A promoted version as the gate sees it: its weights (frozen, loaded from its checkpoint, or
 * the seeded version 0) and its evaluation on the current validation revision, computed once per
 * revision. The served one is also what the trainer restarts from after rejections or a
 * divergence; the best promoted one ({@link BestPromoted}) is held the same way, often the very
 * same object.
 */
public final class ServedBaseline implements AutoCloseable {

    private final long version;
    private final DualEncoder model;
    private final byte[] checkpoint;
    private final java.time.Instant newestEventTime;
    private Evaluation evaluation;

    /**
     * @param checkpoint the version's checkpoint, or null for version 0 (rebuilt from the seed) and for
     *                   a best that is not served (training never restarts from it)
     * @param newestEventTime event time of the newest item these weights were trained on, or null
     * @param known      an evaluation already made of these weights, or null
     */
    public ServedBaseline(long version, DualEncoder model, byte[] checkpoint, java.time.Instant newestEventTime,
                          Evaluation known) {
        this.version = version;
        this.model = model;
        this.checkpoint = checkpoint;
        this.newestEventTime = newestEventTime;
        this.evaluation = known;
    }

    /** Event time of the newest item the served weights were trained on, or null. */
    public java.time.Instant newestEventTime() {
        return newestEventTime;
    }

    /** The served weights (frozen; the gate's reference). */
    public DualEncoder model() {
        return model;
    }

    public long version() {
        return version;
    }

    /** The weights' checkpoint; null for version 0 (and a best that is not served). */
    public byte[] checkpoint() {
        return checkpoint;
    }

    public Evaluation evaluate(Gate gate, ValidationSet validation) {
        if (evaluation == null || evaluation.validationRevision() != validation.revision()) {
            evaluation = gate.evaluate(model, validation.items(), validation.revision());
        }
        return evaluation;
    }

    @Override
    public void close() {
        model.close();
    }
}
