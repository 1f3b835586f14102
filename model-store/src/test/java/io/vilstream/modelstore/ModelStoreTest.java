package io.vilstream.modelstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

import io.vilstream.schemas.avro.ModelStatus;
import io.vilstream.schemas.avro.ModelVersion;
import io.vilstream.schemas.serde.AvroSerde;
import io.vilstream.testkit.VilstreamCluster;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ModelStoreTest {

    @RegisterExtension
    static final VilstreamCluster CLUSTER = new VilstreamCluster();

    private static final Duration T = Duration.ofSeconds(30);
    private static final String MODEL = "m";

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static ModelStore store() {
        return new ModelStore(CLUSTER.settings(), ModelStoreTopics.defaults());
    }

    private static void publish(CheckpointPublisher p, long version, ModelStatus status, byte[] ckpt) {
        ModelVersion v = CheckpointPublisher.describe(MODEL, version, ckpt)
                .setStatus(status).setTrainingStep(version * 100)
                .setMetrics(Map.of("val.i2t.r10", 0.1 * version))
                .setChunkCount(status == ModelStatus.PROMOTED ? CheckpointPublisher.chunks(MODEL, version, ckpt).size() : 0)
                .build();
        p.publish(v, status == ModelStatus.PROMOTED ? ckpt : null, List.of(), List.of(), Map.of(), null);
    }

    @Test
    @Order(1)
    void publishedVersionsAreReadBackWithTheirCheckpointsAndTheServedVersionIsTheNewestPromoted() throws Exception {
        byte[] v1 = bytes(1_300_000, 1); // three chunks
        byte[] v3 = bytes(200_000, 3);
        try (CheckpointPublisher p = new CheckpointPublisher(CLUSTER.settings(), ModelStoreTopics.defaults(), "t-1")) {
            publish(p, 1, ModelStatus.PROMOTED, v1);
            publish(p, 2, ModelStatus.REJECTED, bytes(10, 2));
            publish(p, 3, ModelStatus.PROMOTED, v3);
        }
        ModelRegistryState state = store().readState(MODEL, T);
        assertThat(state.all()).extracting(ModelVersion::getVersion).containsExactly(1L, 2L, 3L);
        assertThat(state.served()).get().extracting(ModelVersion::getVersion).isEqualTo(3L);
        assertThat(state.nextVersion()).isEqualTo(4);
        assertThat(state.get(1).orElseThrow().getChunkCount()).isEqualTo(3);
        assertThat(store().fetchCheckpoint(state.get(1).orElseThrow(), T)).isEqualTo(v1);
        assertThat(store().fetchCheckpoint(state.get(3).orElseThrow(), T)).isEqualTo(v3);
        assertThatThrownBy(() -> store().fetchCheckpoint(state.get(2).orElseThrow(), T))
                .isInstanceOf(CheckpointUnavailableException.class).hasMessageContaining("no published weights");
    }

    @Test
    @Order(2)
    void aCheckpointThatFailsItsSha256IsRefused() {
        ModelVersion v3 = store().readState(MODEL, T).get(3).orElseThrow();
        ModelVersion lying = ModelVersion.newBuilder(v3).setSha256("00".repeat(32)).build();
        assertThatThrownBy(() -> store().fetchCheckpoint(lying, T))
                .isInstanceOf(CheckpointUnavailableException.class).hasMessageContaining("sha256");
    }

    @Test
    @Order(3)
    void anAbortedPublicationIsInvisibleToReadCommittedReaders() throws Exception {
        Map<String, Object> props = CLUSTER.settings().common();
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "crashing-trainer");
        try (KafkaProducer<String, ModelVersion> crashing = new KafkaProducer<>(props, new StringSerializer(),
                AvroSerde.forValues(ModelVersion.class, CLUSTER.settings().serdeConfig()).serializer())) {
            crashing.initTransactions();
            crashing.beginTransaction();
            ModelVersion half = CheckpointPublisher.describe(MODEL, 4, bytes(100, 4)).setStatus(ModelStatus.PROMOTED)
                    .setTrainingStep(400).build();
            crashing.send(new ProducerRecord<>(ModelStoreTopics.defaults().versions(), ModelKeys.version(MODEL, 4), half)).get();
            crashing.abortTransaction();
        }
        ModelRegistryState state = store().readState(MODEL, T);
        assertThat(state.get(4)).isEmpty();
        assertThat(state.served()).get().extracting(ModelVersion::getVersion).isEqualTo(3L);
    }

    @Test
    @Order(4)
    void followersSeeTheServedVersionAndEveryChangeIncludingARollback() throws Exception {
        List<Long> seen = new CopyOnWriteArrayList<>();
        try (ModelFollower follower = new ModelFollower(store(), MODEL, v -> seen.add(v.getVersion())).start()) {
            assertThat(follower.awaitCaughtUp(T)).isTrue();
            await().atMost(T).until(() -> seen.equals(List.of(3L)));

            List<ModelVersion> written = new ModelAdmin(CLUSTER.settings(), store()).rollback(MODEL, 1, "test", T);
            assertThat(written).extracting(ModelVersion::getVersion, ModelVersion::getStatus)
                    .containsExactlyInAnyOrder(
                            org.assertj.core.groups.Tuple.tuple(1L, ModelStatus.PROMOTED),
                            org.assertj.core.groups.Tuple.tuple(3L, ModelStatus.ROLLED_BACK));
            await().atMost(T).until(() -> seen.equals(List.of(3L, 1L)));
            assertThat(follower.state().nextVersion()).as("numbers are never reused").isEqualTo(4);
        }
    }

    @Test
    @Order(5)
    void aRollbackToAVersionWithoutWeightsIsRefused() {
        assertThatThrownBy(() -> new ModelAdmin(CLUSTER.settings(), store()).rollback(MODEL, 2, "test", T))
                .isInstanceOf(CheckpointUnavailableException.class);
        assertThatThrownBy(() -> new ModelAdmin(CLUSTER.settings(), store()).rollback(MODEL, 99, "test", T))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no version 99");
    }

    @Test
    @Order(6)
    void retentionTombstonesRemoveOldVersionsAndTheirChunks() throws Exception {
        ModelRegistryState before = store().readState(MODEL, T);
        ModelVersion v3 = before.get(3).orElseThrow();
        try (CheckpointPublisher p = new CheckpointPublisher(CLUSTER.settings(), ModelStoreTopics.defaults(), "t-1")) {
            byte[] v5 = bytes(1000, 5);
            ModelVersion five = CheckpointPublisher.describe(MODEL, 5, v5).setStatus(ModelStatus.CANDIDATE)
                    .setTrainingStep(500).build();
            p.publish(five, v5, List.of(), List.of(v3), Map.of(), null);
        }
        ModelRegistryState after = store().readState(MODEL, T);
        assertThat(after.get(3)).isEmpty();
        assertThat(after.get(5)).isPresent();
        assertThatThrownBy(() -> store().fetchCheckpoint(v3, T)).isInstanceOf(CheckpointUnavailableException.class)
                .hasMessageContaining("0 of its");
    }
}
