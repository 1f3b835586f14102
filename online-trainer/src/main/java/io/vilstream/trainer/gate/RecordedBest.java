package io.vilstream.trainer.gate;

import java.util.Map;
import java.util.Optional;

import io.vilstream.schemas.avro.ModelVersion;

/**
 * The best promoted version as a version record tells it, so that a restarted trainer (or one
 * that follows a rollback) recovers the gate's floor from the versions topic alone. Every record
 * the gate publishes carries the best it was judged against ({@value #BEST_VERSION},
 * {@value #BEST_SCORE}), its own score ({@code val.score}) and the fingerprint of the validation
 * set and scoring both were measured with ({@value #FINGERPRINT}): the best once a promoted
 * version was published is that version if it scored strictly higher, else the one it was
 * judged against.
 *
 * @param version     the best version (0 = the seeded initial model)
 * @param score       its score on the set with this fingerprint
 * @param fingerprint the validation set and scoring the score belongs to ({@link Gate#fingerprint})
 */
public record RecordedBest(long version, double score, long fingerprint) {

    public static final String BEST_VERSION = "gate.best.version";
    public static final String BEST_SCORE = "gate.best.score";
    public static final String FINGERPRINT = "val.fingerprint";

    /**
     * The best once the promoted version {@code v} was published; empty for a record without the
     * gate's keys (published before the gate recorded them).
     */
    public static Optional<RecordedBest> after(ModelVersion v) {
        Map<String, Double> m = v.getMetrics();
        Double bestVersion = m.get(BEST_VERSION);
        Double bestScore = m.get(BEST_SCORE);
        Double own = m.get("val.score");
        Double fingerprint = m.get(FINGERPRINT);
        if (bestVersion == null || bestScore == null || own == null || fingerprint == null) {
            return Optional.empty();
        }
        long fp = fingerprint.longValue();
        return Optional.of(own > bestScore
                ? new RecordedBest(v.getVersion(), own, fp)
                : new RecordedBest(bestVersion.longValue(), bestScore, fp));
    }
}
