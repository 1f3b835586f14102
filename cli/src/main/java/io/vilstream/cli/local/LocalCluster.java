package io.vilstream.cli.local;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.vilstream.embedded.ChildKafkaBroker;
import io.vilstream.schemas.registry.server.EmbeddedSchemaRegistry;
import io.vilstream.schemas.topics.TopicCreator;
import io.vilstream.schemas.topics.TopicReport;
import io.vilstream.schemas.topics.TopicSet;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default on one machine: a real KRaft broker in a child JVM (its own heap and
 * log, stopped with SIGTERM, gone if this process dies), the Confluent-compatible registry in
 * this JVM, and the vilstream topics. Used by {@code vilstream broker} and {@code vilstream demo}.
 * A second start on the same data directory keeps topics, records and schema ids.
 */
public final class LocalCluster implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalCluster.class);

    private final ChildKafkaBroker broker;
    private final EmbeddedSchemaRegistry registry;
    private final TopicReport topics;

    private LocalCluster(ChildKafkaBroker broker, EmbeddedSchemaRegistry registry, TopicReport topics) {
        this.broker = broker;
        this.registry = registry;
        this.topics = topics;
    }

    public static LocalCluster start(Path dataDir, int kafkaPort, int registryPort, int partitions, String brokerHeap) {
        ChildKafkaBroker broker = ChildKafkaBroker.start(dataDir.resolve("kafka"), kafkaPort, 0, brokerHeap,
                120, TimeUnit.SECONDS);
        try {
            TopicReport report;
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                report = new TopicCreator(admin).replicationFactor((short) 1)
                        .ensure(TopicSet.builder().partitions(partitions).build());
            }
            EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.builder()
                    .bootstrapServers(broker.bootstrapServers()).port(registryPort).build().start();
            return new LocalCluster(broker, registry, report);
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public String registryUrl() {
        return registry.url();
    }

    public TopicReport topics() {
        return topics;
    }

    public long brokerPid() {
        return broker.pid();
    }

    @Override
    public void close() {
        try {
            registry.close();
        } catch (RuntimeException e) {
            log.warn("registry did not close cleanly", e);
        }
        broker.close();
    }
}
