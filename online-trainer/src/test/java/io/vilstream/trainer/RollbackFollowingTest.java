package io.vilstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vilstream.modelstore.ModelAdmin;
import io.vilstream.modelstore.ModelRegistryState;
import io.vilstream.modelstore.ModelStore;
import io.vilstream.schemas.avro.ModelStatus;
import io.vilstream.schemas.avro.ModelVersion;
import io.vilstream.testkit.VilstreamCluster;
import io.vilstream.trainer.TrainerStatus.Phase;
import io.vilstream.trainer.batch.TrainedBatch;
import io.vilstream.trainer.config.TrainerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An operator rollback is followed: the trainer reloads the rolled-back-to version's weights and
 * continues from there; its next versions descend from that version and are numbered above
 * every version ever published. Also: with nothing new and its idle budget spent the trainer
 * stops stepping (it blocks in poll).
 */
class RollbackFollowingTest {

    @RegisterExtension
    static final VilstreamCluster CLUSTER = new VilstreamCluster();

    private static final String MODEL = "rollback";

    @Test
    void afterARollbackTrainingContinuesFromTheRolledBackToVersionUnderNewNumbers() throws Exception {
        TrainerTestData.produceContent(CLUSTER, TrainerTestData.fixtureEvents());
        Map<String, Object> props = TrainerTestData.trainerProps(CLUSTER, MODEL);
        props.put(TrainerConfig.GATE_TOLERANCE, "1");
        props.put(TrainerConfig.GATE_INTERVAL_STEPS, "15");
        props.put(TrainerConfig.IDLE_STEPS, "35");
        ModelStore store = TrainerTestData.store(CLUSTER);
        List<TrainedBatch> batches = new CopyOnWriteArrayList<>();
        try (OnlineTrainer trainer = new OnlineTrainer(new TrainerConfig(props),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), batches::add).start()) {
            await().atMost(Duration.ofMinutes(2)).until(() -> {
                assertThat(trainer.failure()).isEmpty();
                return trainer.status().phase() == Phase.IDLE;
            });
            long steps = trainer.status().stepsThisRun();
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                    .until(() -> trainer.status().stepsThisRun() == steps);
            ModelRegistryState before = store.readState(MODEL, TrainerTestData.T);
            long highest = before.nextVersion() - 1;
            assertThat(highest).as("versions published before going idle").isGreaterThanOrEqualTo(2);
            ModelVersion v1 = before.get(1).orElseThrow();
            int seen = batches.size();

            new ModelAdmin(CLUSTER.settings(), store).rollback(MODEL, 1, "test", TrainerTestData.T);

            ModelVersion next = await().atMost(Duration.ofMinutes(2)).until(() -> {
                assertThat(trainer.failure()).isEmpty();
                return store.readState(MODEL, TrainerTestData.T).all().stream()
                        .filter(v -> v.getVersion() > highest).findFirst();
            }, java.util.Optional::isPresent).orElseThrow();
            TrainedBatch firstAfter = batches.get(seen);
            assertThat(firstAfter.lineageVersion()).isEqualTo(1L);
            assertThat(firstAfter.result().step()).isEqualTo(v1.getTrainingStep() + 1);
            assertThat(next.getVersion()).as("numbered above every version ever published").isEqualTo(highest + 1);
            assertThat(next.getParent()).isEqualTo(1L);
            assertThat(next.getStatus()).isEqualTo(ModelStatus.PROMOTED);
            assertThat(store.readState(MODEL, TrainerTestData.T).get(highest).orElseThrow().getStatus())
                    .isEqualTo(ModelStatus.ROLLED_BACK);
        }
    }
}
