package io.vilstream.cli.bench;

import java.util.Map;

import io.vilstream.embedded.EmbeddedKafkaBroker;
import io.vilstream.runtime.kafka.KafkaSettings;
import io.vilstream.schemas.registry.server.EmbeddedSchemaRegistry;
import io.vilstream.schemas.topics.TopicCreator;
import io.vilstream.schemas.topics.TopicSet;
import org.apache.kafka.clients.admin.Admin;

/**
 * A throw-away embedded cluster for a benchmark run: a real KRaft broker in this JVM (temporary
 * data directory), the schema registry, and the vilstream topics. Closed at the end of the run.
 */
public final class BenchCluster implements AutoCloseable {

    private final EmbeddedKafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;
    private final TopicSet topics;

    public BenchCluster(int partitions) {
        this.broker = EmbeddedKafkaBroker.builder().build().start();
        this.registry = EmbeddedSchemaRegistry.builder().bootstrapServers(broker.bootstrapServers()).port(0).build().start();
        this.topics = TopicSet.builder().partitions(partitions).build();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            new TopicCreator(admin).replicationFactor((short) 1).ensure(topics);
        }
    }

    public KafkaSettings settings() {
        return KafkaSettings.of(broker.bootstrapServers(), registry.url());
    }

    public TopicSet topics() {
        return topics;
    }

    @Override
    public void close() {
        registry.close();
        broker.close();
    }
}
