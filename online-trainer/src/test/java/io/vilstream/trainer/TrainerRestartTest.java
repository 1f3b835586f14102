package io.vilstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vilstream.model.towers.DualEncoder;
import io.vilstream.modelstore.CheckpointPublisher;
import io.vilstream.modelstore.ModelKeys;
import io.vilstream.modelstore.ModelRegistryState;
import io.vilstream.modelstore.ModelStore;
import io.vilstream.modelstore.ModelStoreTopics;
import io.vilstream.schemas.avro.CheckpointChunk;
import io.vilstream.schemas.avro.ModelStatus;
import io.vilstream.schemas.avro.ModelVersion;
import io.vilstream.schemas.serde.AvroSerde;
import io.vilstream.schemas.topics.VilstreamTopic;
import io.vilstream.testkit.ChildJvm;
import io.vilstream.testkit.VilstreamCluster;
import io.vilstream.trainer.batch.TrainedBatch;
import io.vilstream.trainer.config.TrainerConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A trainer killed with SIGKILL between publications (in a child JVM), then restarted with a
 * zombie of it still holding an open transaction with half a version in it: the restarted
 * trainer fences the zombie, resumes from the newest published version and the committed
 * offsets, and goes on publishing; every version is complete, numbered 1..N without a gap or a
 * reuse, matches its sha256 and loads. And a trainer asked to stop (SIGTERM) when a gate is due
 * stops without evaluating or publishing another version.
 */
class TrainerRestartTest {

    @RegisterExtension
    static final VilstreamCluster CLUSTER = new VilstreamCluster();

    private static final String MODEL = "restart";

    @Test
    void aTrainerKilledBetweenPublicationsResumesFromItsNewestVersionAndNeverPublishesAPartialOne() throws Exception {
        TrainerTestData.produceContent(CLUSTER, TrainerTestData.fixtureEvents());
        Map<String, Object> props = TrainerTestData.trainerProps(CLUSTER, MODEL);
        props.put(TrainerConfig.GATE_TOLERANCE, "1"); // every candidate is promoted: this test is about the mechanics
        props.put(TrainerConfig.GATE_INTERVAL_STEPS, "20");
        ModelStore store = TrainerTestData.store(CLUSTER);

        List<String> args = TrainerTestData.strings(props).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        // in a child JVM, so the test can kill it the way an OOM killer or a node failure does
        try (ChildJvm child = ChildJvm.start(TrainerApp.class, "384m", args, Path.of("target", "child-" + MODEL + ".log"),
                null, Duration.ZERO)) {
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                assertThat(child.isAlive()).as("child trainer died:%n%s", child.logTail()).isTrue();
                return promoted(store.readState(MODEL, TrainerTestData.T)) >= 2;
            });
            child.kill();
        }
        ModelRegistryState beforeRestart = store.readState(MODEL, TrainerTestData.T);
        ModelVersion newest = beforeRestart.served().orElseThrow();
        long highest = beforeRestart.nextVersion() - 1;
        assertThat(newest.getVersion()).isEqualTo(highest);

        List<TrainedBatch> batches = new CopyOnWriteArrayList<>();
        try (KafkaProducer<String, byte[]> zombie = zombieWithHalfAVersion(highest + 1);
             OnlineTrainer trainer = new OnlineTrainer(new TrainerConfig(props),
                     new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), batches::add).start()) {
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() -> {
                assertThat(trainer.failure()).isEmpty();
                return trainer.status().lastPublished() > highest;
            });
            assertThatThrownBy(zombie::commitTransaction).as("the zombie is fenced").isInstanceOf(KafkaException.class);
        }

        TrainedBatch first = batches.get(0);
        assertThat(first.lineageVersion()).as("training resumed from the newest version").isEqualTo(newest.getVersion());
        assertThat(first.result().step()).as("and from its step").isEqualTo(newest.getTrainingStep() + 1);
        assertThat(first.newIds()).as("nothing is new: the offsets were committed with the publications").isEmpty();

        ModelRegistryState after = store.readState(MODEL, TrainerTestData.T);
        long max = after.nextVersion() - 1;
        assertThat(after.all()).extracting(ModelVersion::getVersion)
                .as("monotonic, no gap, no reuse").containsExactlyElementsOf(LongStream.rangeClosed(1, max).boxed().toList());
        for (ModelVersion v : after.all()) {
            assertThat(v.getStatus()).isEqualTo(ModelStatus.PROMOTED);
            assertThat(v.getParent()).as("parent of %d", v.getVersion()).isEqualTo(v.getVersion() - 1);
            byte[] bytes = store.fetchCheckpoint(v, TrainerTestData.T); // complete and matching its sha256
            try (DualEncoder loaded = DualEncoder.load(bytes)) {
                assertThat(loaded.version()).isEqualTo(v.getVersion());
                assertThat(loaded.trainingStep()).isEqualTo(v.getTrainingStep());
                assertThat(loaded.parent()).isEqualTo(v.getParent());
            }
        }
        ModelVersion resumed = after.get(highest + 1).orElseThrow();
        assertThat(resumed.getTrainingStep()).isGreaterThan(newest.getTrainingStep());
        assertThat(shasPerVersion()).as("one version number, one set of weights").allSatisfy((v, shas) ->
                assertThat(shas).hasSize(1));
        assertThat(committedContentOffsets()).as("exactly-once: offsets committed with the publications")
                .isEqualTo(contentEndOffsets());
    }

    @Test
    void aStopRequestedWhenAGateIsDueEndsTheLoopWithoutPublishingAnotherVersion() throws Exception {
        TrainerTestData.produceContent(CLUSTER, TrainerTestData.fixtureEvents());
        String model = "stopping";
        Map<String, Object> props = TrainerTestData.trainerProps(CLUSTER, model);
        props.put(TrainerConfig.GATE_TOLERANCE, "1");
        props.put(TrainerConfig.GATE_INTERVAL_STEPS, "1"); // a gate is due after every step
        java.util.concurrent.atomic.AtomicReference<OnlineTrainer> ref = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicLong publishedAtStop = new java.util.concurrent.atomic.AtomicLong(-1);
        try (OnlineTrainer trainer = new OnlineTrainer(new TrainerConfig(props),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), batch -> {
                    OnlineTrainer t = ref.get();
                    // on the loop thread, after a step and before its (due) gate: a SIGTERM arriving now
                    if (t != null && t.status().lastPublished() >= 2 && publishedAtStop.get() < 0) {
                        publishedAtStop.set(t.status().lastPublished());
                        t.requestStop();
                    }
                })) {
            ref.set(trainer);
            trainer.start();
            assertThat(trainer.awaitTermination(Duration.ofMinutes(3))).as("the loop ended after the stop request").isTrue();
            assertThat(trainer.failure()).isEmpty();
            assertThat(trainer.status().phase()).isEqualTo(TrainerStatus.Phase.STOPPED);
            assertThat(trainer.status().lastPublished()).as("no version after the stop request")
                    .isEqualTo(publishedAtStop.get());
        }
        ModelRegistryState state = TrainerTestData.store(CLUSTER).readState(model, TrainerTestData.T);
        assertThat(state.nextVersion() - 1).as("the newest version is the one published before the stop")
                .isEqualTo(publishedAtStop.get());
    }

    private static long promoted(ModelRegistryState s) {
        return s.all().stream().filter(v -> v.getStatus() == ModelStatus.PROMOTED).count();
    }

    /** The dead trainer's transactional id with an open transaction: one chunk of a three-chunk version, and its record. */
    @SuppressWarnings("unchecked")
    private static KafkaProducer<String, byte[]> zombieWithHalfAVersion(long version) {
        Map<String, Object> p = CLUSTER.settings().common();
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "vilstream-trainer-" + MODEL);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024);
        KafkaProducer<String, byte[]> zombie = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        zombie.initTransactions();
        zombie.beginTransaction();
        byte[] weights = new byte[3 * CheckpointPublisher.CHUNK_BYTES - 10];
        ModelVersion record = CheckpointPublisher.describe(MODEL, version, weights).setStatus(ModelStatus.PROMOTED)
                .setTrainingStep(1).build();
        CheckpointChunk chunk = CheckpointPublisher.chunks(MODEL, version, weights).get(0);
        Map<String, Object> serde = CLUSTER.settings().serdeConfig();
        String checkpoints = CLUSTER.topics().name(VilstreamTopic.MODEL_CHECKPOINTS);
        String versions = CLUSTER.topics().name(VilstreamTopic.MODEL_VERSIONS);
        zombie.send(new ProducerRecord<>(checkpoints, ModelKeys.chunk(MODEL, version, 0),
                AvroSerde.forValues(CheckpointChunk.class, serde).serializer().serialize(checkpoints, chunk)));
        zombie.send(new ProducerRecord<>(versions, ModelKeys.version(MODEL, version),
                AvroSerde.forValues(ModelVersion.class, serde).serializer().serialize(versions, record)));
        zombie.flush();
        return zombie;
    }

    /** Every sha256 ever committed under each version key of the model. */
    private static Map<String, Set<String>> shasPerVersion() {
        Map<String, Object> p = CLUSTER.settings().common();
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, Set<String>> out = new HashMap<>();
        String topic = ModelStoreTopics.defaults().versions();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = List.of(new TopicPartition(topic, 0));
            c.assign(parts);
            c.seekToBeginning(parts);
            long end = c.endOffsets(parts).get(parts.get(0));
            var deserializer = AvroSerde.forValues(ModelVersion.class, CLUSTER.settings().serdeConfig()).deserializer();
            while (c.position(parts.get(0)) < end) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    if (r.value() != null && r.key().startsWith(ModelKeys.modelPrefix(MODEL))) {
                        out.computeIfAbsent(r.key(), k -> new java.util.HashSet<>())
                                .add(deserializer.deserialize(topic, r.value()).getSha256());
                    }
                }
            }
        }
        return out;
    }

    private static Map<TopicPartition, Long> committedContentOffsets() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", CLUSTER.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> all = admin.listConsumerGroupOffsets("vilstream-trainer-" + MODEL)
                    .partitionsToOffsetAndMetadata().get();
            return all.entrySet().stream()
                    .filter(e -> e.getKey().topic().equals(CLUSTER.topics().name(VilstreamTopic.CONTENT)))
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        }
    }

    private static Map<TopicPartition, Long> contentEndOffsets() {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(CLUSTER.settings().common(), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            String topic = CLUSTER.topics().name(VilstreamTopic.CONTENT);
            List<TopicPartition> parts = c.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            return c.endOffsets(parts);
        }
    }
}
