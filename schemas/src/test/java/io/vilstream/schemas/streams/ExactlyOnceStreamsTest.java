package io.vilstream.schemas.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.vilstream.embedded.EmbeddedKafkaExtension;
import io.vilstream.schemas.avro.ContentEvent;
import io.vilstream.schemas.registry.server.EmbeddedSchemaRegistry;
import io.vilstream.schemas.serde.AvroDeserializer;
import io.vilstream.schemas.serde.AvroSerde;
import io.vilstream.schemas.serde.AvroSerdeConfig;
import io.vilstream.schemas.serde.AvroSerializer;
import io.vilstream.schemas.testing.SampleRecords;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The serde inside an exactly-once Kafka Streams app, against the embedded registry over HTTP. */
class ExactlyOnceStreamsTest {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    static final String IN = "eos.content.in";
    static final String OUT = "eos.content.out";
    static final int EVENTS = 40;

    static EmbeddedSchemaRegistry registry;

    @BeforeAll
    static void setUp() throws Exception {
        registry = EmbeddedSchemaRegistry.builder().bootstrapServers(KAFKA.bootstrapServers()).build().start();
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(List.of(new NewTopic(IN, 2, (short) 1), new NewTopic(OUT, 2, (short) 1))).all().get();
        }
    }

    @AfterAll
    static void tearDown() {
        if (registry != null) {
            registry.close();
        }
    }

    /** The app under test: copy content events from one topic to another, decoding and re-encoding them. */
    static Topology copyTopology(Serde<ContentEvent> contentSerde, Properties streamsProps) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(IN, Consumed.with(Serdes.String(), contentSerde))
                .to(OUT, Produced.with(Serdes.String(), contentSerde));
        return builder.build(streamsProps);
    }

    @TempDir
    Path stateDir;

    @Test
    void copiesAvroRecordsExactlyOnceBetweenTopics() throws Exception {
        Map<String, Object> serdeConfig = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry.url());
        Properties streamsProps = new Properties();
        streamsProps.put(StreamsConfig.APPLICATION_ID_CONFIG, "vilstream-eos-copy");
        streamsProps.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        streamsProps.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        streamsProps.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        // commit often so the test sees committed output quickly
        streamsProps.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        streamsProps.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");

        Map<String, ContentEvent> sent = new HashMap<>();
        try (AvroSerde<ContentEvent> contentSerde = AvroSerde.forValues(ContentEvent.class, serdeConfig);
             KafkaStreams streams = new KafkaStreams(copyTopology(contentSerde, streamsProps), streamsProps)) {
            streams.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> streams.state() == KafkaStreams.State.RUNNING);

            try (KafkaProducer<String, ContentEvent> producer = new KafkaProducer<>(producerProps(),
                    new StringSerializer(), serializer(serdeConfig))) {
                for (int i = 0; i < EVENTS; i++) {
                    ContentEvent event = SampleRecords.contentEvent("item-" + i);
                    sent.put(event.getId(), event);
                    producer.send(new ProducerRecord<>(IN, event.getId(), event));
                }
                producer.flush();
            }

            List<ConsumerRecord<String, ContentEvent>> received = new ArrayList<>();
            try (KafkaConsumer<String, ContentEvent> consumer = new KafkaConsumer<>(readCommittedProps(),
                    new StringDeserializer(), deserializer(serdeConfig))) {
                consumer.subscribe(List.of(OUT));
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ZERO).until(() -> {
                    consumer.poll(Duration.ofMillis(200)).forEach(received::add);
                    return received.size() >= EVENTS;
                });
                // anything extra (a duplicate) would arrive with the same commits; give it one more poll
                consumer.poll(Duration.ofMillis(500)).forEach(received::add);
            }

            assertThat(received).hasSize(EVENTS);
            Map<String, ContentEvent> byKey = new HashMap<>();
            received.forEach(r -> byKey.put(r.key(), r.value()));
            assertThat(byKey).isEqualTo(sent);
            streams.close(Duration.ofSeconds(10));
        }
    }

    private static AvroSerializer<ContentEvent> serializer(Map<String, Object> config) {
        AvroSerializer<ContentEvent> s = new AvroSerializer<>(ContentEvent.class);
        s.configure(config, false);
        return s;
    }

    private static AvroDeserializer<ContentEvent> deserializer(Map<String, Object> config) {
        AvroDeserializer<ContentEvent> d = new AvroDeserializer<>(ContentEvent.class);
        d.configure(config, false);
        return d;
    }

    private static Properties producerProps() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return p;
    }

    private static Properties readCommittedProps() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "eos-verifier");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // only what Streams committed in its transactions
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return p;
    }
}
