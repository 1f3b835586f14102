package io.vilstream.schemas.local;

import java.util.Map;

import io.vilstream.schemas.registry.server.EmbeddedSchemaRegistry;
import io.vilstream.schemas.topics.TopicCreator;
import io.vilstream.schemas.topics.TopicReport;
import io.vilstream.schemas.topics.TopicSet;
import org.apache.kafka.clients.admin.Admin;

/**
 * What vilstream sets up on a single-node broker before any service starts: its topics (one
 * replica), then the embedded schema registry, which keeps its schemas in a topic of that broker.
 * The one start-up shared by the CLI's local cluster (broker, demo, benchmarks, chaos) and the
 * test tier's cluster extension; whoever started the broker stops it after closing this.
 */
public final class BrokerServices implements AutoCloseable {

    private final TopicSet topics;
    private final TopicReport report;
    private final EmbeddedSchemaRegistry registry;

    private BrokerServices(TopicSet topics, TopicReport report, EmbeddedSchemaRegistry registry) {
        this.topics = topics;
        this.report = report;
        this.registry = registry;
    }

    /**
     * @param partitions   partitions of the partitioned vilstream topics
     * @param registryPort the registry's port on 127.0.0.1; 0 for any free one
     */
    public static BrokerServices start(String bootstrapServers, int partitions, int registryPort) {
        TopicSet topics = TopicSet.builder().partitions(partitions).build();
        TopicReport report;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            report = new TopicCreator(admin).replicationFactor((short) 1).ensure(topics);
        }
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.builder()
                .bootstrapServers(bootstrapServers).port(registryPort).build().start();
        return new BrokerServices(topics, report, registry);
    }

    /** The vilstream topics, unprefixed. */
    public TopicSet topics() {
        return topics;
    }

    /** What the start did to the topics: created, verified, mismatched. */
    public TopicReport topicReport() {
        return report;
    }

    public EmbeddedSchemaRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        registry.close();
    }
}
