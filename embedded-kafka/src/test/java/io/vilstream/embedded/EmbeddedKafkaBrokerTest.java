package io.vilstream.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaBrokerTest {

    @Test
    void restartOnTheSameDataDirectoryKeepsTopicsAndRecords(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("kafka");
        int port;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(data).build().start()) {
            port = broker.port();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("kept", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            try (KafkaProducer<String, String> producer = producer(broker.bootstrapServers())) {
                producer.send(new ProducerRecord<>("kept", "k", "v1")).get();
                producer.send(new ProducerRecord<>("kept", "k", "v2")).get();
            }
        }
        assertThat(Files.exists(data)).as("a configured data dir is never deleted").isTrue();

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(data).port(port).build().start()) {
            assertThat(readAll(broker.bootstrapServers(), "kept", 2)).containsExactly("v1", "v2");
        }
    }

    @Test
    void childJvmBrokerServesClientsAndStopsOnSigterm(@TempDir Path dir) throws Exception {
        ChildKafkaBroker child = ChildKafkaBroker.start(dir.resolve("child"), EmbeddedKafkaBroker.freePort(), 0,
                "512m", 90, TimeUnit.SECONDS);
        try {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", child.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("child", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
                assertThat(admin.listTopics().names().get()).contains("child");
            }
        } finally {
            child.close();
        }
        assertThat(child.isAlive()).isFalse();
        assertThat(Files.readString(dir.resolve("child").resolve("broker.log"))).contains("READY");
    }

    private static KafkaProducer<String, String> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringSerializer(), new StringSerializer());
    }

    private static List<String> readAll(String bootstrap, String topic, int expected) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "reader",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
        }
        return values;
    }
}
