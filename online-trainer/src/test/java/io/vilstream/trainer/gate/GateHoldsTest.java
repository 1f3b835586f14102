package io.vilstream.trainer.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vilstream.modelstore.CheckpointUnavailableException;
import io.vilstream.modelstore.ModelFollower;
import io.vilstream.modelstore.ModelRegistryState;
import io.vilstream.modelstore.ModelStore;
import io.vilstream.schemas.avro.ContentEvent;
import io.vilstream.schemas.avro.ModelStatus;
import io.vilstream.schemas.avro.ModelVersion;
import io.vilstream.testkit.VilstreamCluster;
import io.vilstream.trainer.OnlineTrainer;
import io.vilstream.trainer.TrainerTestData;
import io.vilstream.trainer.config.TrainerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The gate holds: after a sane run has promoted a version that learned the train items, a run
 * with a destructive learning rate produces a candidate that is recorded as REJECTED — metrics,
 * sha256 and size, but no weights — and never becomes the served version, so no encoder (which
 * follows the served version) ever loads it.
 *
 * <p>The validation set holds copies of the fixture's train items under ids of the validation
 * split, next to the fixture's own five validation items: a model that learned the train items
 * is measurably better than chance on it, so "worse" is measurable.
 */
class GateHoldsTest {

    @RegisterExtension
    static final VilstreamCluster CLUSTER = new VilstreamCluster();

    private static final String MODEL = "gate";

    @Test
    void aCandidateTrainedWithADestructiveLearningRateIsRejectedAndNeverServed() throws Exception {
        List<ContentEvent> events = new ArrayList<>(TrainerTestData.fixtureEvents());
        events.addAll(TrainerTestData.validationCopiesOfTrainItems());
        TrainerTestData.produceContent(CLUSTER, events);
        ModelStore store = TrainerTestData.store(CLUSTER);
        List<Long> served = new CopyOnWriteArrayList<>();
        try (ModelFollower follower = new ModelFollower(store, MODEL, v -> served.add(v.getVersion())).start()) {
            Map<String, Object> props = TrainerTestData.trainerProps(CLUSTER, MODEL);
            props.put(TrainerConfig.GATE_INTERVAL_STEPS, "40");
            trainUntil(props, s -> s.all().stream().filter(v -> v.getStatus() == ModelStatus.PROMOTED).findFirst());
            ModelRegistryState afterSaneRun = store.readState(MODEL, TrainerTestData.T);
            ModelVersion good = afterSaneRun.served().orElseThrow();
            double versionZeroScore = afterSaneRun.get(1).orElseThrow().getMetrics().get("gate.baseline.score");
            assertThat(good.getMetrics().get("val.score"))
                    .as("the sane run learned: the served version beats version 0 on the validation set")
                    .isGreaterThan(versionZeroScore + 0.1);
            long saneHighest = afterSaneRun.nextVersion() - 1;

            props.put(TrainerConfig.LEARNING_RATE, "1000");
            props.put(TrainerConfig.LEARNING_RATE_WARMUP_STEPS, "0");
            props.put(TrainerConfig.GATE_INTERVAL_STEPS, "10");
            ModelVersion bad = trainUntil(props, s -> s.all().stream()
                    .filter(v -> v.getVersion() > saneHighest).findFirst());

            assertThat(bad.getStatus()).isEqualTo(ModelStatus.REJECTED);
            assertThat(bad.getParent()).as("trained from the promoted version").isEqualTo(good.getVersion());
            assertThat(bad.getChunkCount()).as("rejected weights are never shipped").isZero();
            assertThat(bad.getSha256()).matches("[0-9a-f]{64}");
            assertThat(bad.getSizeBytes()).isPositive();
            assertThat(bad.getMetrics()).containsKeys("val.i2t.r1", "val.i2t.r10", "val.t2i.r1", "val.t2i.r10",
                    "tagger.p5", "loss.I-T", "gate.baseline.score");
            assertThat(bad.getMetrics().get("val.score"))
                    .isLessThan(good.getMetrics().get("val.score") - 0.01)
                    .isLessThan(bad.getMetrics().get("gate.baseline.score"));
            assertThat(bad.getReason()).startsWith("rejected");
            assertThatThrownBy(() -> store.fetchCheckpoint(bad, TrainerTestData.T))
                    .isInstanceOf(CheckpointUnavailableException.class);

            ModelRegistryState state = store.readState(MODEL, TrainerTestData.T);
            assertThat(state.served()).get().extracting(ModelVersion::getVersion).isEqualTo(good.getVersion());
            await().atMost(TrainerTestData.T).until(() -> served.contains(good.getVersion()));
            assertThat(served).as("served versions an encoder would have loaded").doesNotContain(bad.getVersion());
        }
    }

    private static ModelVersion trainUntil(Map<String, Object> props,
                                           Function<ModelRegistryState, Optional<ModelVersion>> until) throws Exception {
        ModelStore store = TrainerTestData.store(CLUSTER);
        try (OnlineTrainer t = new OnlineTrainer(new TrainerConfig(props), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                b -> { }).start()) {
            return await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        assertThat(t.failure()).as("trainer failure").isEmpty();
                        return until.apply(store.readState(MODEL, TrainerTestData.T));
                    }, Optional::isPresent).orElseThrow();
        }
    }
}
