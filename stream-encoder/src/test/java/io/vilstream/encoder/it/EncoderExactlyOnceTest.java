package io.vilstream.encoder.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import io.vilstream.encoder.ContentFixtures;
import io.vilstream.encoder.EncoderApp;
import io.vilstream.schemas.avro.ContentEvent;
import io.vilstream.schemas.avro.Embedding;
import io.vilstream.schemas.serde.AvroSerde;
import io.vilstream.schemas.topics.DlqHeaders;
import io.vilstream.schemas.topics.VilstreamTopic;
import io.vilstream.testkit.ChildJvm;
import io.vilstream.testkit.VilstreamCluster;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once on a real broker: two encoder instances (child JVMs) share 2,000+ content events;
 * one is killed with SIGKILL mid-stream and the other takes its partitions over, restoring the
 * killed instance's micro-batch buffers from their changelogs. Read with read_committed, every
 * valid content id has exactly one image and one text embedding of the model version, and the
 * counts reconcile: inputs = valid outputs + DLQ.
 */
class EncoderExactlyOnceTest {

    @RegisterExtension
    static final VilstreamCluster CLUSTER = new VilstreamCluster(4);

    private static final int VALID = 2000;
    private static final int BAD = 20;

    @Test
    void twoInstancesOneKilledMidStreamStillEmbedEveryItemExactlyOnce(@TempDir Path dir) throws Exception {
        Map<String, String> config = new HashMap<>(Map.of(
                "bootstrap.servers", CLUSTER.bootstrapServers(),
                "schema.registry.url", CLUSTER.registryUrl(),
                "model.preset", "tiny",
                "metrics.port", "0",
                "encoder.batch.size", "16",
                "encoder.batch.linger.ms", "100",
                "encoder.backfill.enabled", "false",
                "encoder.standby.replicas", "1"));
        Map<String, String> a = new HashMap<>(config);
        a.put("encoder.state.dir", dir.resolve("a").toString());
        Map<String, String> b = new HashMap<>(config);
        b.put("encoder.state.dir", dir.resolve("b").toString());

        try (ChildJvm first = startEncoder(a, dir.resolve("a.log"));
             ChildJvm second = startEncoder(b, dir.resolve("b.log"))) {
            Map<String, Integer> imageCounts = new ConcurrentHashMap<>();
            Map<String, Integer> textCounts = new ConcurrentHashMap<>();
            AtomicInteger dlq = new AtomicInteger();
            try (OutputReader reader = new OutputReader(imageCounts, textCounts, dlq)) {
                Thread producer = new Thread(() -> produce(VALID, BAD));
                producer.start();
                await().atMost(Duration.ofMinutes(3)).until(() -> imageCounts.size() >= VALID / 4);
                first.kill();
                producer.join();
                await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> imageCounts.size() >= VALID && textCounts.size() >= VALID && dlq.get() >= BAD);
                // give late duplicates, if there were any, the chance to show up
                Thread.sleep(5000);
            }
            assertThat(imageCounts).hasSize(VALID);
            assertThat(textCounts).hasSize(VALID);
            Set<String> dupImages = imageCounts.entrySet().stream().filter(e -> e.getValue() != 1).map(Map.Entry::getKey).collect(Collectors.toSet());
            Set<String> dupTexts = textCounts.entrySet().stream().filter(e -> e.getValue() != 1).map(Map.Entry::getKey).collect(Collectors.toSet());
            assertThat(dupImages).as("image embeddings seen more than once").isEmpty();
            assertThat(dupTexts).as("text embeddings seen more than once").isEmpty();
            assertThat(dlq.get()).as("inputs = outputs + DLQ").isEqualTo(BAD);
            assertThat(second.log()).contains("encoder vilstream-encoder started");
        }
    }

    /** An encoder instance in a child JVM, so the test can kill it for real (SIGKILL, no clean close). */
    private static ChildJvm startEncoder(Map<String, String> config, Path log) throws Exception {
        List<String> args = config.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        return ChildJvm.start(EncoderApp.class, "768m", args, log, "ENCODER READY", Duration.ofMinutes(3));
    }

    private static void produce(int valid, int bad) {
        Map<String, Object> p = CLUSTER.settings().common();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        List<ContentEvent> events = ContentFixtures.many(valid);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            var ser = AvroSerde.forValues(ContentEvent.class, CLUSTER.settings().serdeConfig()).serializer();
            String topic = CLUSTER.topics().name(VilstreamTopic.CONTENT);
            int every = valid / bad;
            int badSent = 0;
            for (int i = 0; i < valid; i++) {
                ContentEvent e = events.get(i);
                producer.send(new ProducerRecord<>(topic, e.getId(), ser.serialize(topic, e)));
                if (i % every == every - 1 && badSent < bad) {
                    producer.send(new ProducerRecord<>(topic, "bad-" + badSent++, new byte[] {9, 9, 9, 9, 9, 9}));
                }
                if (i % 200 == 0) {
                    try {
                        Thread.sleep(100); // a stream, not one burst: the kill lands mid-stream
                    } catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
            producer.flush();
        }
    }

    /** read_committed consumer of both embedding topics and the DLQ, counting records per key. */
    private static final class OutputReader implements AutoCloseable {
        private final Thread thread;
        private volatile boolean running = true;

        OutputReader(Map<String, Integer> images, Map<String, Integer> texts, AtomicInteger dlq) {
            String imageTopic = CLUSTER.topics().name(VilstreamTopic.EMBEDDINGS_IMAGE);
            String textTopic = CLUSTER.topics().name(VilstreamTopic.EMBEDDINGS_TEXT);
            String dlqTopic = CLUSTER.topics().name(VilstreamTopic.CONTENT_DLQ);
            Map<String, Object> p = CLUSTER.settings().common();
            p.put(ConsumerConfig.GROUP_ID_CONFIG, "eos-reader");
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            var des = AvroSerde.forValues(Embedding.class, CLUSTER.settings().serdeConfig()).deserializer();
            thread = new Thread(() -> {
                try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
                    c.subscribe(List.of(imageTopic, textTopic, dlqTopic));
                    while (running) {
                        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                            if (r.topic().equals(dlqTopic)) {
                                assertThat(DlqHeaders.read(r.headers())).isPresent();
                                dlq.incrementAndGet();
                                continue;
                            }
                            Embedding e = des.deserialize(r.topic(), r.value());
                            assertThat(e.getModelVersion()).isZero();
                            (r.topic().equals(imageTopic) ? images : texts).merge(r.key(), 1, Integer::sum);
                        }
                    }
                }
            }, "eos-reader");
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(30_000);
        }
    }
}
