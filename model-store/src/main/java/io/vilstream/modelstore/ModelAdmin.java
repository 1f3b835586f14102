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
        for (ModelVersion other : state.all()) {
            if (other.getVersion() > target && other.getStatus() == ModelStatus.PROMOTED) {
                records.add(ModelVersion.newBuilder(other).setStatus(ModelStatus.ROLLED_BACK).setUpdatedAt(now)
                        .setReason("rolled back to version " + target + ": " + reason).build());
            }
        }
        try (CheckpointPublisher publisher = new CheckpointPublisher(settings, store.topics(),
                "vilstream-model-admin-" + model)) {
            publisher.updateStatus(records);
        }
        return records;
    }
}
