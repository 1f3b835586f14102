package io.vilstream.trainer.publish;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import io.vilstream.model.towers.DualEncoder;
import io.vilstream.modelstore.CheckpointPublisher;
import io.vilstream.modelstore.ModelRegistryState;
import io.vilstream.modelstore.ModelStore;
import io.vilstream.runtime.kafka.KafkaSettings;
import io.vilstream.schemas.avro.ModelStatus;
import io.vilstream.schemas.avro.ModelVersion;
import io.vilstream.trainer.gate.GateDecision;
import io.vilstream.trainer.gate.RecordedBest;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Turns gate decisions into model versions: numbers them (above every version ever recorded,
 * never reused), writes a promoted version's checkpoint chunks and record, or a rejected one's
 * record with its metrics and sha256 but no chunks, together with the retention tombstones and
 * the consumed input offsets, in one transaction ({@link CheckpointPublisher}). Opening it fences
 * any older instance with the same transactional id and aborts its open transaction.
 */
public final class VersionPublisher implements AutoCloseable {

    private final KafkaSettings settings;
    private final ModelStore store;
    private final String model;
    private final String transactionalId;
    private final RetentionPolicy retention;
    private final Duration timeout;
    private CheckpointPublisher publisher;
    private long lastPublished = 0;
    /** The publication in progress (or failed), until it is known to have landed or not. */
    private Publication attempted;

    public VersionPublisher(KafkaSettings settings, ModelStore store, String model, String transactionalId,
                            RetentionPolicy retention, Duration timeout) {
        this.settings = settings;
        this.store = store;
        this.model = model;
        this.transactionalId = transactionalId;
        this.retention = retention;
        this.timeout = timeout;
        this.publisher = new CheckpointPublisher(settings, store.topics(), transactionalId);
    }

    /**
     * Publishes a candidate as the gate decided.
     *
     * @param candidate       the trained weights
     * @param parent          the version training started from (0 = the seeded initial model)
     * @param step            the lineage's training step
     * @param decision        the gate's verdict and evaluations
     * @param extraMetrics    further metrics (losses) recorded with the version
     * @param newestEventTime event time of the newest item trained on, if any
     * @param offsets         input offsets to commit with the publication
     * @param group           the consumer group those offsets belong to
     */
    public Publication publish(DualEncoder candidate, long parent, long step, GateDecision decision,
                               Map<String, Double> extraMetrics, Instant newestEventTime,
                               Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
        ModelRegistryState state = store.readState(model, timeout);
        long version = Math.max(state.nextVersion(), lastPublished + 1);
        byte[] checkpoint = candidate.toCheckpoint(version, parent, step);
        Map<String, Double> metrics = new java.util.LinkedHashMap<>(decision.candidate().metrics());
        metrics.put("gate.baseline.version", (double) decision.baselineVersion());
        metrics.put("gate.baseline.score", decision.baseline().score());
        metrics.putAll(extraMetrics);
        ModelVersion.Builder b = CheckpointPublisher.describe(model, version, checkpoint)
                .setParent(parent)
                .setTrainingStep(step)
                .setMetrics(metrics)
                .setStatus(decision.promote() ? ModelStatus.PROMOTED : ModelStatus.REJECTED)
                .setReason(decision.reason())
                .setNewestEventTime(newestEventTime);
        if (!decision.promote()) {
            b.setChunkCount(0); // rejected weights are described (sha256, size) but never shipped
        }
        ModelVersion record = b.build();
        List<ModelVersion> after = new ArrayList<>(state.all());
        after.add(record);
        Optional<ModelVersion> servedAfter = decision.promote() ? Optional.of(record) : state.served();
        OptionalLong served = servedAfter.map(v -> OptionalLong.of(v.getVersion())).orElse(OptionalLong.empty());
        // the best the gate names keeps its weights: the floor, and what a restart or rollback recovers
        OptionalLong best = servedAfter.flatMap(RecordedBest::after).map(r -> OptionalLong.of(r.version()))
                .orElse(OptionalLong.empty());
        List<ModelVersion> expired = retention.expired(after, served, best);
        attempted = new Publication(record, checkpoint, expired);
        publisher.publish(record, decision.promote() ? checkpoint : null, List.of(), expired, offsets, group, () -> {
            if (expired.isEmpty()) {
                return;
            }
            // the state was read before the checkpoint was made: a rollback meanwhile may target an expired version
            List<ModelVersion> stale = RetentionPolicy.stale(expired, store.readState(model, timeout));
            if (!stale.isEmpty()) {
                throw new IllegalStateException("retention would delete version(s) "
                        + stale.stream().map(ModelVersion::getVersion).toList()
                        + " that changed since the versions were read (a rollback?): publication aborted");
            }
        });
        lastPublished = version;
        Publication done = attempted;
        attempted = null;
        return done;
    }

    /**
     * After a publication failed: whether its transaction committed all the same (a commit that
     * timed out is ambiguous; the new producer's initTransactions completes or aborts it), read
     * from the versions topic. Call after {@link #reopen()}.
     */
    public Optional<Publication> landed() {
        Publication p = attempted;
        attempted = null;
        if (p == null) {
            return Optional.empty();
        }
        ModelRegistryState state = store.readState(model, timeout);
        Optional<ModelVersion> found = state.get(p.version().getVersion());
        if (found.isPresent() && found.get().getSha256().equals(p.version().getSha256())) {
            lastPublished = p.version().getVersion();
            return Optional.of(p);
        }
        return Optional.empty();
    }

    /**
     * After a failed transaction the producer may be unusable (a commit that timed out can be
     * neither retried safely nor aborted): it is closed, never leaked, and a new one with the same
     * id replaces it, whose initTransactions completes or aborts the old transaction.
     */
    public void reopen() {
        try {
            publisher.close();
        } catch (RuntimeException ignored) {
            // the old producer is being discarded anyway
        }
        publisher = new CheckpointPublisher(settings, store.topics(), transactionalId);
    }

    @Override
    public void close() {
        publisher.close();
    }
}
