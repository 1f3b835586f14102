package io.vilstream.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker + controller) running in this JVM,
 * started from the {@code kafka_2.13} jar: storage is formatted with {@link StorageTool}
 * ({@code --standalone}), then a {@link KafkaRaftServer} starts on 127.0.0.1.
 *
 * <p>Used in-process by tests (see {@link EmbeddedKafkaExtension}) and, through
 * {@link EmbeddedKafkaMain}, as a child JVM by the CLI. Restarting on the same data directory
 * keeps topics and records: an already formatted directory is reused as it is.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    private final Path dataDir;
    private final boolean deleteDataDirOnClose;
    private final int port;
    private final int controllerPort;
    private final Map<String, String> overrides;
    private KafkaRaftServer server;

    private EmbeddedKafkaBroker(Builder b) throws IOException {
        this.deleteDataDirOnClose = b.dataDir == null;
        this.dataDir = b.dataDir != null ? b.dataDir : Files.createTempDirectory("vilstream-kafka-");
        this.port = b.port > 0 ? b.port : freePort();
        int previous = previousControllerPort(this.dataDir);
        this.controllerPort = b.controllerPort > 0 ? b.controllerPort : previous > 0 ? previous : freePort();
        this.overrides = Map.copyOf(b.overrides);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Formats storage if needed and starts the broker; returns when it accepts connections. */
    public EmbeddedKafkaBroker start() {
        if (server != null) {
            throw new IllegalStateException("broker already started");
        }
        try {
            Files.createDirectories(dataDir);
            Properties props = brokerProperties();
            Path propsFile = dataDir.resolve("server.properties");
            try (OutputStream out = Files.newOutputStream(propsFile)) {
                props.store(out, "vilstream embedded broker");
            }
            format(propsFile);
            long t0 = System.nanoTime();
            server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
            server.startup();
            awaitReady();
            log.info("Kafka broker ready on {} in {} ms (data dir {})", bootstrapServers(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), dataDir);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the broker data directory " + dataDir, e);
        }
    }

    /** The bootstrap address clients use: {@code 127.0.0.1:port}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Stops the broker and waits until it has shut down; deletes a temporary data directory. */
    @Override
    public void close() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
        if (deleteDataDirOnClose) {
            deleteRecursively(dataDir);
        }
    }

    Properties brokerProperties() {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", dataDir.resolve("logs").toString());
        // one node: every internal topic has one replica, or transactions and groups never start
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        // tests and the demo start consumers at once; the default 3 s delay only slows them
        p.put("group.initial.rebalance.delay.ms", "0");
        // fewer internal partitions: faster first group/transaction, less memory
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.num.partitions", "4");
        // topics are created on purpose (TopicSet, Streams' own admin calls), never by a typo
        p.put("auto.create.topics.enable", "false");
        // the log cleaner's 128 MiB default buffer is most of a small broker's heap
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(16 * 1024 * 1024));
        p.put("num.partitions", "1");
        p.putAll(overrides);
        return p;
    }

    private void format(Path propsFile) {
        if (Files.exists(dataDir.resolve("logs").resolve("meta.properties"))) {
            return; // formatted by an earlier run: keep its topics and records
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int rc;
        try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            rc = StorageTool.execute(new String[] {
                "format", "--cluster-id", clusterId(), "--config", propsFile.toString(),
                "--standalone", "--ignore-formatted"}, out);
        }
        if (rc != 0) {
            throw new IllegalStateException("formatting Kafka storage in " + dataDir + " failed: "
                    + buf.toString(StandardCharsets.UTF_8));
        }
    }

    private static String clusterId() {
        return Uuid.randomUuid().toString();
    }

    /**
     * The controller port an earlier run on this data directory used. The standalone quorum
     * records the controller's endpoint when storage is formatted, so a restart must reuse it.
     */
    private static int previousControllerPort(Path dataDir) {
        Path file = dataDir.resolve("server.properties");
        if (!Files.exists(file)) {
            return 0;
        }
        Properties p = new Properties();
        try (var in = Files.newInputStream(file)) {
            p.load(in);
        } catch (IOException e) {
            return 0;
        }
        String servers = p.getProperty("controller.quorum.bootstrap.servers", "");
        int colon = servers.lastIndexOf(':');
        try {
            return colon < 0 ? 0 : Integer.parseInt(servers.substring(colon + 1).trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private void awaitReady() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                try {
                    admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                    return;
                } catch (Exception e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the broker did not become ready within 60 s", e);
                    }
                }
            }
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    log.debug("could not delete {}", path, e);
                }
            });
        } catch (IOException e) {
            log.warn("could not delete {}", dir, e);
        }
    }

    /** Builder: everything optional; defaults are a temporary directory and free ports. */
    public static final class Builder {
        private Path dataDir;
        private int port;
        private int controllerPort;
        private final Map<String, String> overrides = new HashMap<>();

        public Builder dataDir(Path dir) {
            this.dataDir = Objects.requireNonNull(dir);
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder controllerPort(int port) {
            this.controllerPort = port;
            return this;
        }

        /** A broker property to set on top of the embedded defaults. */
        public Builder brokerProperty(String key, String value) {
            overrides.put(key, value);
            return this;
        }

        public EmbeddedKafkaBroker build() {
            try {
                return new EmbeddedKafkaBroker(this);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
