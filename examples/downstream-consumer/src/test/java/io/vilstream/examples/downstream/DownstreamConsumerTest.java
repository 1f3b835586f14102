package io.vilstream.examples.downstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import io.vilstream.examples.downstream.DownstreamConsumer.Settings;
import io.vilstream.modelstore.ModelKeys;
import io.vilstream.schemas.avro.Embedding;
import io.vilstream.schemas.avro.Modality;
import io.vilstream.schemas.avro.ModelStatus;
import io.vilstream.schemas.avro.ModelVersion;
import io.vilstream.schemas.serde.AvroSerde;
import io.vilstream.schemas.topics.VilstreamTopic;
import io.vilstream.testkit.VilstreamCluster;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The example on a real broker and registry, with this test playing the encoders and their
 * backfill (transactional producers of Embedding records through the project's Avro serde) and
 * the trainer (ModelVersion records under the keys the model store writes). A vector here says
 * where it came from: {version, id index, revision, modality}, so a vector of the wrong version
 * in the served set is seen at once.
 */
class DownstreamConsumerTest {

    @RegisterExtension
    static final VilstreamCluster CLUSTER = new VilstreamCluster();

    static final String MODEL = DownstreamConsumer.DEFAULT_MODEL;
    static final List<String> IDS = List.of("a", "b", "c", "d");
    static final Duration PATIENCE = Duration.ofSeconds(30);

    @Test
    void servesOnlyThePromotedVersionSwitchesWhenItCoversTheOldOneAndDropsDeletedItems() throws Exception {
        try (Transactional<Embedding> encoder = new Transactional<>(Embedding.class, "test-encoder");
             Transactional<ModelVersion> trainer = new Transactional<>(ModelVersion.class, "test-trainer")) {
            trainer.commit(List.of(promotion(1)));
            encoder.commit(embeddings(MODEL, 1, 0, IDS));

            DownstreamConsumer consumer = new DownstreamConsumer(settings());
            Thread reader = new Thread(consumer::run, "downstream-consumer");
            Sampler sampler = new Sampler(consumer);
            reader.start();
            sampler.start();
            try {
                await().atMost(PATIENCE).untilAsserted(() -> assertServes(consumer, 1, Map.of("a", 0, "b", 0, "c", 0, "d", 0)));

                // a backfill of version 2 in progress: a and b are re-embedded; an aborted
                // transaction and another model lineage carry version 2 for c and d, which must
                // count for nothing; then version 2 is promoted, and an encoder not yet swapped
                // re-embeds updated items c and d with version 1 (after those records, same keys)
                encoder.commit(embeddings(MODEL, 2, 0, List.of("a", "b")));
                encoder.abort(embeddings(MODEL, 2, 0, List.of("c", "d")));
                encoder.commit(embeddings("another-model", 2, 0, List.of("c", "d")));
                trainer.commit(List.of(promotion(2)));
                encoder.commit(embeddings(MODEL, 1, 1, List.of("c", "d")));
                await().atMost(PATIENCE).untilAsserted(() -> {
                    assertThat(consumer.promoted()).isEqualTo(2);
                    VersionSet building = consumer.building().orElseThrow(() -> new AssertionError("version 2 is not being built"));
                    assertThat(building.version()).isEqualTo(2);
                    assertThat(building.image().keySet()).containsExactlyInAnyOrder("a", "b");
                    assertThat(building.text().keySet()).containsExactlyInAnyOrder("a", "b");
                    assertServes(consumer, 1, Map.of("a", 0, "b", 0, "c", 1, "d", 1));
                });

                // the backfill completes: version 2 covers version 1, the consumer switches
                encoder.commit(embeddings(MODEL, 2, 0, List.of("c", "d")));
                await().atMost(PATIENCE).untilAsserted(() -> assertServes(consumer, 2, Map.of("a", 0, "b", 0, "c", 0, "d", 0)));
                assertThat(consumer.building()).isEmpty();

                // a content delete: the encoder writes tombstones for the id on both topics
                encoder.commit(tombstones("a"));
                await().atMost(PATIENCE).untilAsserted(() -> assertServes(consumer, 2, Map.of("b", 0, "c", 0, "d", 0)));
            } finally {
                sampler.stop();
                consumer.close();
                reader.join(TimeUnit.SECONDS.toMillis(30));
            }
            assertThat(sampler.violations).as("vectors of another version in a served set").isEmpty();
            assertThat(sampler.versionsServed).as("served versions in the order seen").containsExactly(1L, 2L);
        }

        // a restart rebuilds from the topics: both versions are there, version 2 covers 1 and is served
        try (DownstreamConsumer restarted = new DownstreamConsumer(settings())) {
            Thread reader = new Thread(restarted::run, "downstream-restarted");
            reader.start();
            await().atMost(PATIENCE).untilAsserted(() -> assertServes(restarted, 2, Map.of("b", 0, "c", 0, "d", 0)));
            assertThat(restarted.caughtUp()).isTrue();
            restarted.close();
            reader.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    static Settings settings() {
        return new Settings(CLUSTER.bootstrapServers(), CLUSTER.registryUrl(), MODEL, CLUSTER.topics());
    }

    /** The consumer serves exactly these ids of this version, each with its vectors of the given revision. */
    static void assertServes(DownstreamConsumer consumer, long version, Map<String, Integer> revisions) {
        VersionSet served = consumer.served().orElseThrow(() -> new AssertionError("nothing served yet"));
        assertThat(served.version()).isEqualTo(version);
        assertThat(served.image().keySet()).containsExactlyInAnyOrderElementsOf(revisions.keySet());
        assertThat(served.text().keySet()).containsExactlyInAnyOrderElementsOf(revisions.keySet());
        revisions.forEach((id, revision) -> {
            assertThat(served.image().get(id)).as("image of %s", id).containsExactly(vector(version, id, revision, Modality.IMAGE));
            assertThat(served.text().get(id)).as("text of %s", id).containsExactly(vector(version, id, revision, Modality.TEXT));
        });
    }

    static float[] vector(long version, String id, int revision, Modality modality) {
        return new float[] {version, IDS.indexOf(id), revision, modality.ordinal()};
    }

    static List<ProducerRecord<String, Embedding>> embeddings(String model, long version, int revision, List<String> ids) {
        List<ProducerRecord<String, Embedding>> out = new ArrayList<>();
        for (String id : ids) {
            out.add(new ProducerRecord<>(CLUSTER.topics().name(VilstreamTopic.EMBEDDINGS_IMAGE), id,
                    embedding(model, version, id, revision, Modality.IMAGE)));
            out.add(new ProducerRecord<>(CLUSTER.topics().name(VilstreamTopic.EMBEDDINGS_TEXT), id,
                    embedding(model, version, id, revision, Modality.TEXT)));
        }
        return out;
    }

    static Embedding embedding(String model, long version, String id, int revision, Modality modality) {
        List<Float> values = new ArrayList<>();
        for (float v : vector(version, id, revision, modality)) {
            values.add(v);
        }
        Instant now = Instant.now();
        return Embedding.newBuilder()
                .setContentId(id).setModality(modality).setView(modality == Modality.IMAGE ? "image" : "caption")
                .setModelName(model).setModelVersion(version)
                .setDimension(values.size()).setVector(values)
                .setEventTime(now).setProducedAt(now)
                .build();
    }

    static List<ProducerRecord<String, Embedding>> tombstones(String id) {
        return List.of(new ProducerRecord<>(CLUSTER.topics().name(VilstreamTopic.EMBEDDINGS_IMAGE), id, null),
                new ProducerRecord<>(CLUSTER.topics().name(VilstreamTopic.EMBEDDINGS_TEXT), id, null));
    }

    static ProducerRecord<String, ModelVersion> promotion(long version) {
        Instant now = Instant.now();
        ModelVersion v = ModelVersion.newBuilder()
                .setModelName(MODEL).setVersion(version).setParent(version - 1)
                .setSha256("0".repeat(64)).setSizeBytes(0).setChunkCount(0).setTrainingStep(version * 100)
                .setStatus(ModelStatus.PROMOTED).setReason("test promotion")
                .setCreatedAt(now).setUpdatedAt(now)
                .build();
        return new ProducerRecord<>(CLUSTER.topics().name(VilstreamTopic.MODEL_VERSIONS), ModelKeys.version(MODEL, version), v);
    }

    /** A transactional producer with the project's Avro serializer, as the encoders and the trainer write. */
    static final class Transactional<V extends SpecificRecord> implements AutoCloseable {
        private final AvroSerde<V> serde;
        private final KafkaProducer<String, V> producer;

        Transactional(Class<V> type, String transactionalId) {
            serde = AvroSerde.forValues(type, Map.of("schema.registry.url", CLUSTER.registryUrl()));
            producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, CLUSTER.bootstrapServers(),
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId),
                    new StringSerializer(), serde.serializer());
            producer.initTransactions();
        }

        void commit(List<ProducerRecord<String, V>> records) {
            producer.beginTransaction();
            records.forEach(producer::send);
            producer.commitTransaction();
        }

        void abort(List<ProducerRecord<String, V>> records) {
            producer.beginTransaction();
            records.forEach(producer::send);
            producer.flush(); // the records reach the log, then the transaction is aborted
            producer.abortTransaction();
        }

        @Override
        public void close() {
            producer.close();
            serde.close();
        }
    }

    /**
     * Reads the served set the way an application would, every few milliseconds, and notes any
     * vector whose version is not the set's and the order of the versions served.
     */
    static final class Sampler {
        final List<String> violations = new CopyOnWriteArrayList<>();
        final List<Long> versionsServed = new CopyOnWriteArrayList<>();
        private final DownstreamConsumer consumer;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        Sampler(DownstreamConsumer consumer) {
            this.consumer = consumer;
            this.thread = new Thread(this::sample, "sampler");
        }

        void start() {
            thread.start();
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join();
        }

        private void sample() {
            while (running.get()) {
                consumer.served().ifPresent(set -> {
                    if (versionsServed.isEmpty() || versionsServed.get(versionsServed.size() - 1) != set.version()) {
                        versionsServed.add(set.version());
                    }
                    set.image().forEach((id, v) -> check(set, id, v));
                    set.text().forEach((id, v) -> check(set, id, v));
                });
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // a sampling period, not a wait for something
            }
        }

        private void check(VersionSet set, String id, float[] vector) {
            if (vector[0] != set.version()) {
                violations.add("version " + set.version() + " held " + id + " of version " + vector[0]);
            }
        }
    }
}
