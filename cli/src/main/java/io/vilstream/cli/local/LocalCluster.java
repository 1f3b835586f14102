package io.vilstream.cli.local;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.vilstream.embedded.ChildKafkaBroker;
import io.vilstream.embedded.EmbeddedKafkaBroker;
import io.vilstream.runtime.kafka.KafkaSettings;
import io.vilstream.schemas.local.BrokerServices;
import io.vilstream.schemas.registry.server.EmbeddedSchemaRegistry;
import io.vilstream.schemas.topics.TopicReport;
import io.vilstream.schemas.topics.TopicSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded cluster on one machine, started one way for every command: a real KRaft broker,
 * the vilstream topics on it, then the Confluent-compatible registry in this JVM.
 * {@link #start} runs the broker in a child JVM (its own heap and log, stopped with SIGTERM,
 * gone if this process dies) on a data directory a second start reuses, keeping topics, records
 * and schema ids: {@code vilstream broker} and {@code vilstream demo}. {@link #inProcess} runs a
 * throw-away broker in this JVM on a temporary directory: the benchmarks.
 */
public final class LocalCluster implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalCluster.class);

    private final AutoCloseable broker;
    private final String bootstrapServers;
    private final long brokerPid;
    private final EmbeddedSchemaRegistry registry;
    private final TopicSet topics;
    private final TopicReport report;

    private LocalCluster(AutoCloseable broker, String bootstrapServers, long brokerPid, EmbeddedSchemaRegistry registry,
                         TopicSet topics, TopicReport report) {
        this.broker = broker;
        this.bootstrapServers = bootstrapServers;
        this.brokerPid = brokerPid;
        this.registry = registry;
        this.topics = topics;
        this.report = report;
    }

    /** The broker in a child JVM on {@code dataDir/kafka}, the registry on {@code registryPort} (0: any). */
    public static LocalCluster start(Path dataDir, int kafkaPort, int registryPort, int partitions, String brokerHeap) {
        ChildKafkaBroker broker = ChildKafkaBroker.start(dataDir.resolve("kafka"), kafkaPort, 0, brokerHeap,
                120, TimeUnit.SECONDS);
        return around(broker, broker.bootstrapServers(), broker.pid(), registryPort, partitions);
    }

    /** A throw-away broker in this JVM (temporary data directory, any port), the registry on any port. */
    public static LocalCluster inProcess(int partitions) {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start();
        return around(broker, broker.bootstrapServers(), ProcessHandle.current().pid(), 0, partitions);
    }

    /** Topics, then the registry (BrokerServices); the broker stops if either fails. */
    private static LocalCluster around(AutoCloseable broker, String bootstrapServers, long pid, int registryPort,
                                       int partitions) {
        try {
            BrokerServices services = BrokerServices.start(bootstrapServers, partitions, registryPort);
            return new LocalCluster(broker, bootstrapServers, pid, services.registry(), services.topics(),
                    services.topicReport());
        } catch (RuntimeException e) {
            closeBroker(broker);
            throw e;
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String registryUrl() {
        return registry.url();
    }

    /** Client settings for this cluster (bootstrap servers and the registry). */
    public KafkaSettings settings() {
        return KafkaSettings.of(bootstrapServers, registry.url());
    }

    /** The vilstream topics, unprefixed. */
    public TopicSet topics() {
        return topics;
    }

    /** What the start did to the topics: created, verified, mismatched. */
    public TopicReport topicReport() {
        return report;
    }

    /** The broker's process: the child JVM's, or this one's for an in-process broker. */
    public long brokerPid() {
        return brokerPid;
    }

    @Override
    public void close() {
        try {
            registry.close();
        } catch (RuntimeException e) {
            log.warn("registry did not close cleanly", e);
        }
        closeBroker(broker);
    }

    private static void closeBroker(AutoCloseable broker) {
        try {
            broker.close();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("the broker did not stop: " + e.getMessage(), e);
        }
    }
}
