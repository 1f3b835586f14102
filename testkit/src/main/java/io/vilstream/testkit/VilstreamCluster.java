package io.vilstream.testkit;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.vilstream.embedded.EmbeddedKafkaBroker;
import io.vilstream.runtime.kafka.KafkaSettings;
import io.vilstream.schemas.local.BrokerServices;
import io.vilstream.schemas.topics.TopicSet;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension for the integration tier: one real single-node KRaft broker, the embedded
 * schema registry on it (a real HTTP server), and the vilstream topics, per test class — the
 * same start-up as the CLI's (BrokerServices).
 *
 * <pre>{@code
 * @RegisterExtension
 * static final VilstreamCluster CLUSTER = new VilstreamCluster();
 * ... CLUSTER.settings() ...
 * }</pre>
 */
public final class VilstreamCluster implements BeforeAllCallback, AfterAllCallback {

    private final int partitions;
    private EmbeddedKafkaBroker broker;
    private BrokerServices services;

    public VilstreamCluster() {
        this(2);
    }

    /** @param partitions partitions of the partitioned vilstream topics */
    public VilstreamCluster(int partitions) {
        this.partitions = partitions;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        broker = EmbeddedKafkaBroker.builder().build().start();
        services = BrokerServices.start(broker.bootstrapServers(), partitions, 0);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (services != null) {
            services.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public String registryUrl() {
        return services.registry().url();
    }

    public KafkaSettings settings() {
        return KafkaSettings.of(bootstrapServers(), registryUrl());
    }

    public TopicSet topics() {
        return services.topics();
    }

    public EmbeddedKafkaBroker broker() {
        return broker;
    }

    /** Creates an extra topic for a test. */
    public void createTopic(String name, int partitionCount) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()))) {
            admin.createTopics(java.util.List.of(new org.apache.kafka.clients.admin.NewTopic(name, partitionCount, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
        }
    }
}
