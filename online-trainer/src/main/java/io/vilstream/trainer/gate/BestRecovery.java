package io.vilstream.trainer.gate;

import java.util.Optional;

import io.vilstream.modelstore.ModelRegistryState;
import io.vilstream.schemas.avro.ModelStatus;
import io.vilstream.schemas.avro.ModelVersion;

/**
 * Where the best promoted version comes from when the trainer adopts a version it did not just
 * promote itself: at a restart (the served version) and after an operator rollback (the version
 * rolled back to). The rule is the same both times: the best is what the adopted version's record
 * says it was once that version was published ({@link RecordedBest#after}). Versions above it
 * that an operator rolled back do not count, since the adopted record predates them; so a
 * rollback to V resets the floor to the best as it stood when V was promoted.
 *
 * @param kind     how the gate gets the best's score
 * @param recorded what the record says (null for {@link Kind#ADOPTED} without gate keys)
 * @param record   the best version's record, whose checkpoint is to be loaded ({@link Kind#LOAD})
 * @param note     why, for the log
 */
public record BestRecovery(Kind kind, RecordedBest recorded, ModelVersion record, String note) {

    /** How the best is had. */
    public enum Kind {
        /** The adopted version is the best: its weights are already loaded. */
        ADOPTED,
        /** Another retained, promoted version is the best: load its checkpoint and re-evaluate it. */
        LOAD,
        /** The best's weights are gone (retention, or version 0): only its recorded score, valid on the same set. */
        RECORDED
    }

    public static BestRecovery plan(ModelVersion adopted, ModelRegistryState state) {
        Optional<RecordedBest> after = RecordedBest.after(adopted);
        if (after.isEmpty()) {
            return new BestRecovery(Kind.ADOPTED, null, null,
                    "version " + adopted.getVersion() + " records no best (published before the gate recorded it): it is the best");
        }
        RecordedBest best = after.get();
        if (best.version() == adopted.getVersion()) {
            return new BestRecovery(Kind.ADOPTED, best, null, "version " + adopted.getVersion() + " is the best it records");
        }
        Optional<ModelVersion> record = state.get(best.version());
        if (record.isPresent() && record.get().getStatus() != ModelStatus.PROMOTED) {
            // cannot happen through the gate and a rollback (a rollback below the best rolls back the adopted
            // version too), but a hand-made record could say so: a version no longer promoted is no floor
            return new BestRecovery(Kind.ADOPTED, best, null, "the recorded best, version " + best.version() + ", is "
                    + record.get().getStatus() + ": version " + adopted.getVersion() + " is the best");
        }
        if (record.isPresent() && record.get().getChunkCount() > 0) {
            return new BestRecovery(Kind.LOAD, best, record.get(), "the best is version " + best.version()
                    + " (recorded with version " + adopted.getVersion() + ")");
        }
        return new BestRecovery(Kind.RECORDED, best, null, "the best is version " + best.version()
                + " (recorded with version " + adopted.getVersion() + "), whose weights are no longer retained: "
                + "its recorded score " + best.score() + " holds while the validation set is the one it was measured on");
    }
}
