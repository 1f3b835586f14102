package io.vilstream.modelstore;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.vilstream.runtime.kafka.KafkaSettings;
import io.vilstream.schemas.avro.ModelStatus;
import io.vilstream.schemas.avro.ModelVersion;

/**
 * Operator actions on the model topics. A rollback to V marks every promoted version above V
 * as ROLLED_BACK and V as PROMOTED again, in one transaction, so readers never see two or zero
 * served versions in between; encoders follow the served version and swap back. V must still
 * have its weights (not pruned by retention) and they must verify.
 */
public final class ModelAdmin {

    private final KafkaSettings settings;
    private final ModelStore store;

    public ModelAdmin(KafkaSettings settings, ModelStore store) {
        this.settings = settings;
        this.store = store;
    }

    /** Status records that roll back every promoted version above the target created before {@code now}. */
    private static List<ModelVersion> supersede(ModelRegistryState state, long target, Instant now, String reason) {
        List<ModelVersion> out = new ArrayList<>();
        for (ModelVersion other : state.all()) {
            if (other.getVersion() > target && other.getStatus() == ModelStatus.PROMOTED
                    && !other.getCreatedAt().isAfter(now)) {
                out.add(ModelVersion.newBuilder(other).setStatus(ModelStatus.ROLLED_BACK).setUpdatedAt(now)
                        .setReason("rolled back to version " + target + ": " + reason).build());
            }
        }
        return out;
    }

    /** Makes {@code target} the served version again; returns the records written. */
    public List<ModelVersion> rollback(String model, long target, String reason, Duration timeout)
            throws CheckpointUnavailableException {
        ModelRegistryState state = store.readState(model, timeout);
        ModelVersion v = state.get(target).orElseThrow(() -> new IllegalArgumentException(
                "model " + model + " has no version " + target + " (known: "
                        + state.all().stream().map(ModelVersion::getVersion).toList() + ")"));
        store.fetchCheckpoint(v, timeout); // refuse a rollback to weights that cannot be loaded
        Instant now = Instant.now();
        List<ModelVersion> records = new ArrayList<>();
        records.add(ModelVersion.newBuilder(v).setStatus(ModelStatus.PROMOTED).setUpdatedAt(now)
                .setReason("rolled back to by operator: " + reason).build());
        records.addAll(supersede(state, target, now, reason));
        try (CheckpointPublisher publisher = new CheckpointPublisher(settings, store.topics(),
                "vilstream-model-admin-" + model)) {
            publisher.updateStatus(records);
            // A trainer may have promoted a version between our read and our write; it was
            // created before the rollback, so it is from the abandoned line: roll it back too.
            // (Versions the trainer creates after following the rollback descend from the target.)
            for (int attempt = 0; attempt < 3; attempt++) {
                List<ModelVersion> raced = supersede(store.readState(model, timeout), target, now, reason);
                if (raced.isEmpty()) {
                    break;
                }
                publisher.updateStatus(raced);
                records.addAll(raced);
            }
        }
        return records;
    }
}
