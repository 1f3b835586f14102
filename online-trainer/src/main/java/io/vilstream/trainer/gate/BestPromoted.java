package io.vilstream.trainer.gate;

import java.util.OptionalDouble;

import io.vilstream.trainer.validation.ValidationSet;

/**
 * The best version promoted so far in the lineage, the gate's floor. Normally its frozen weights
 * are held (often those of the served version itself) and re-evaluated on each revision of the
 * validation set, so the comparison with a candidate is always on the same items. After a restart
 * whose best's weights were pruned by retention only its recorded score is known; that score
 * stands while the validation set and scoring have the fingerprint it was recorded with.
 */
public final class BestPromoted {

    private final long version;
    private final ServedBaseline weights;
    private final double recordedScore;
    private final long recordedFingerprint;

    private BestPromoted(long version, ServedBaseline weights, double recordedScore, long recordedFingerprint) {
        this.version = version;
        this.weights = weights;
        this.recordedScore = recordedScore;
        this.recordedFingerprint = recordedFingerprint;
    }

    /** A best whose weights are held (not owned: the caller closes them). */
    public static BestPromoted measured(ServedBaseline weights) {
        return new BestPromoted(weights.version(), weights, Double.NaN, 0);
    }

    /** A best known only by its recorded score. */
    public static BestPromoted recorded(RecordedBest r) {
        return new BestPromoted(r.version(), null, r.score(), r.fingerprint());
    }

    public long version() {
        return version;
    }

    /** The best's weights, or null when only its recorded score is known. */
    public ServedBaseline weights() {
        return weights;
    }

    /**
     * Its score on the current validation set, or empty when it cannot be had: only a recorded
     * score is known, and it was measured on another set or with another scoring.
     */
    public OptionalDouble score(Gate gate, ValidationSet validation) {
        if (weights != null) {
            return OptionalDouble.of(weights.evaluate(gate, validation).score());
        }
        return gate.fingerprint(validation) == recordedFingerprint ? OptionalDouble.of(recordedScore) : OptionalDouble.empty();
    }
}
