package io.vilstream.schemas.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.vilstream.schemas.avro.ContentEvent;
import io.vilstream.schemas.registry.HttpSchemaRegistryClient;
import io.vilstream.schemas.serde.AvroDeserializer;
import io.vilstream.schemas.serde.AvroSerdeConfig;
import io.vilstream.schemas.serde.AvroSerializer;
import io.vilstream.schemas.testing.SampleRecords;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The serde against the real thing: Apache Kafka and Confluent Schema Registry in containers.
 * Runs only where Docker is available (CI); skipped cleanly elsewhere.
 */
@Testcontainers(disabledWithoutDocker = true)
class ConfluentContainersTest {

    static final Network NETWORK = Network.newNetwork();

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer(DockerImageName.parse("apache/kafka:4.1.0"))
            .withNetwork(NETWORK)
            .withListener("kafka:19092");

    @Container
    static final GenericContainer<?> REGISTRY = new GenericContainer<>(DockerImageName.parse("confluentinc/cp-schema-registry:7.9.0"))
            .withNetwork(NETWORK)
            .withExposedPorts(8081)
            .withEnv("SCHEMA_REGISTRY_HOST_NAME", "schema-registry")
            .withEnv("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:8081")
            .withEnv("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", "PLAINTEXT://kafka:19092")
            .dependsOn(KAFKA)
            .waitingFor(Wait.forHttp("/subjects").forStatusCode(200).withStartupTimeout(Duration.ofMinutes(2)));

    @Test
    void roundTripsThroughRealKafkaAndConfluentSchemaRegistry() throws Exception {
        String registryUrl = "http://" + REGISTRY.getHost() + ":" + REGISTRY.getMappedPort(8081);
        String topic = "vilstream.content.v1";
        Properties adminProps = new Properties();
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.getBootstrapServers());
        try (Admin admin = Admin.create(adminProps)) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        Map<String, Object> serdeConfig = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registryUrl);
        AvroSerializer<ContentEvent> serializer = new AvroSerializer<>(ContentEvent.class);
        serializer.configure(serdeConfig, false);
        AvroDeserializer<ContentEvent> deserializer = new AvroDeserializer<>(ContentEvent.class);
        deserializer.configure(serdeConfig, false);

        ContentEvent event = SampleRecords.contentEvent("1f600");
        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.getBootstrapServers());
        try (KafkaProducer<String, ContentEvent> producer = new KafkaProducer<>(producerProps, new StringSerializer(), serializer)) {
            producer.send(new ProducerRecord<>(topic, event.getId(), event)).get();
        }
        Properties consumerProps = new Properties();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.getBootstrapServers());
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "containers");
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ContentEvent> received = new ArrayList<>();
        try (KafkaConsumer<String, ContentEvent> consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(), deserializer)) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> received.add(r.value()));
                return !received.isEmpty();
            });
        }
        assertThat(received).containsExactly(event);
        assertThat(HttpSchemaRegistryClient.of(registryUrl).subjects()).contains(topic + "-value");
    }
}
