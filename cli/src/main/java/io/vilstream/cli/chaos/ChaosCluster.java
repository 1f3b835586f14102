package io.vilstream.cli.chaos;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.vilstream.embedded.ChildKafkaBroker;
import io.vilstream.runtime.kafka.KafkaSettings;
import io.vilstream.schemas.registry.server.EmbeddedSchemaRegistry;
import io.vilstream.schemas.local.BrokerServices;
import io.vilstream.schemas.topics.TopicSet;

/**
 * The chaos run's cluster: the KRaft broker in a child JVM on a fixed loopback port (so it can
 * be restarted where every client expects it, on the same data directory), the topics, and
 * the schema registry in this JVM. Unlike LocalCluster it lets a fault pause (SIGSTOP), resume
 * (SIGCONT) and restart the broker. Every call is on 127.0.0.1.
 */
final class ChaosCluster implements AutoCloseable {

    private final Path dataDir;
    private final int port;
    private final TopicSet topics;
    private volatile ChildKafkaBroker broker;
    private volatile boolean paused;
    private final EmbeddedSchemaRegistry registry;

    private ChaosCluster(Path dataDir, int port, TopicSet topics, ChildKafkaBroker broker, EmbeddedSchemaRegistry registry) {
        this.dataDir = dataDir;
        this.port = port;
        this.topics = topics;
        this.broker = broker;
        this.registry = registry;
    }

    static ChaosCluster start(Path dataDir, int partitions) throws IOException {
        int port = freePort();
        ChildKafkaBroker broker = startBroker(dataDir, port);
        try {
            BrokerServices services = BrokerServices.start(broker.bootstrapServers(), partitions, 0);
            return new ChaosCluster(dataDir, port, services.topics(), broker, services.registry());
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    private static ChildKafkaBroker startBroker(Path dataDir, int port) {
        return ChildKafkaBroker.start(dataDir.resolve("kafka"), port, 0, "512m", 120, TimeUnit.SECONDS);
    }

    /** A port nothing listens on now (bound and released on loopback). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    String bootstrapServers() {
        return broker.bootstrapServers();
    }

    String registryUrl() {
        return registry.url();
    }

    KafkaSettings settings() {
        return KafkaSettings.of(bootstrapServers(), registryUrl());
    }

    TopicSet topics() {
        return topics;
    }

    long brokerPid() {
        return broker.pid();
    }

    /** SIGSTOP: the broker freezes with its sockets open, as a long GC pause or a hung host does. */
    synchronized void pause() throws IOException, InterruptedException {
        signal("-STOP");
        paused = true;
    }

    /** SIGCONT after {@link #pause}. */
    synchronized void resume() throws IOException, InterruptedException {
        if (paused) {
            signal("-CONT");
            paused = false;
        }
    }

    private void signal(String sig) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", sig, String.valueOf(broker.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill " + sig + " " + broker.pid() + " failed");
        }
    }

    /** SIGTERM (a controlled shutdown), then the broker again on the same port and data. */
    synchronized void restartBroker() throws IOException, InterruptedException {
        resume();
        broker.close();
        broker = startBroker(dataDir, port);
    }

    /** Resumes a paused broker first: a stopped process would not act on SIGTERM. */
    @Override
    public synchronized void close() {
        try {
            resume();
        } catch (IOException e) {
            // the broker is gone already
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            registry.close();
        } finally {
            broker.close();
        }
    }
}
