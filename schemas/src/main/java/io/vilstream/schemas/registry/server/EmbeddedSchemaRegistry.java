package io.vilstream.schemas.registry.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import io.vilstream.runtime.http.GuardedHttpServer;
import io.vilstream.runtime.http.ServerLimits;
import io.vilstream.schemas.registry.core.SchemaRegistryCore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Confluent-compatible schema registry in this JVM: the REST API of
 * {@link RegistryHttpHandler} on runtime's {@link GuardedHttpServer} (the JDK's HTTP server with
 * header, body and response timeouts, see {@link ServerLimits}), state in a compacted Kafka topic
 * ({@code _vilstream_schemas} by default) through {@link KafkaSchemaStore}. Ids survive restarts, and
 * any number of instances on the same topic answer the same (each follows the topic; concurrent
 * registrations are settled by the first-claim-wins rule of the core). {@code GET /health} is 200
 * once the topic has been replayed and while its reader keeps up, 503 before and otherwise.
 *
 * <pre>{@code
 * try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.builder()
 *         .bootstrapServers(kafka.bootstrapServers()).build().start()) {
 *     String url = registry.url(); // http://127.0.0.1:<port>
 * }
 * }</pre>
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);

    /**
     * Its own topic, not Confluent's {@code _schemas}: the keys differ (see StoreRecordCodec), so
     * a Confluent registry and this one on one cluster must never share a topic.
     */
    public static final String DEFAULT_TOPIC = "_vilstream_schemas";
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** Schemas are small; a body beyond this is a mistake or an attack, not a schema. */
    public static final int DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;

    private final String bootstrapServers;
    private final String host;
    private final int requestedPort;
    private final String topic;
    private final Map<String, String> kafkaProperties;
    private final Duration storeTimeout;
    private final ServerLimits limits;
    private final int maxBodyBytes;

    private volatile SchemaRegistryCore core;
    private volatile KafkaSchemaStore store;
    private GuardedHttpServer server;
    private Thread opener;
    private volatile RuntimeException openFailure;
    private volatile boolean closed;
    private final java.util.concurrent.CountDownLatch opened = new java.util.concurrent.CountDownLatch(1);

    private EmbeddedSchemaRegistry(Builder b) {
        this.bootstrapServers = Objects.requireNonNull(b.bootstrapServers, "bootstrapServers is required");
        this.host = b.host;
        this.requestedPort = b.port;
        this.topic = b.topic;
        this.kafkaProperties = Map.copyOf(b.kafkaProperties);
        this.storeTimeout = b.storeTimeout;
        this.limits = b.limits;
        this.maxBodyBytes = b.maxBodyBytes;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Listens, replays the schema topic (creating it if missing) and returns once the API answers. */
    public EmbeddedSchemaRegistry start() {
        startInBackground();
        try {
            awaitReady();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        return this;
    }

    /**
     * Listens at once and replays the topic on a thread of its own: until the replay is done the
     * API answers 503 (50003) and {@code /health} 503, so a probe sees a registry that is starting
     * rather than a closed port. {@link #awaitReady()} waits for the replay and rethrows its failure.
     */
    public synchronized EmbeddedSchemaRegistry startInBackground() {
        if (server != null) {
            throw new IllegalStateException("registry already started");
        }
        long t0 = System.nanoTime();
        KafkaSchemaStore kafkaStore = new KafkaSchemaStore(bootstrapServers, topic, kafkaProperties, storeTimeout);
        store = kafkaStore;
        try {
            server = RegistryHttpHandler.serve(() -> core, kafkaStore::health, host, requestedPort, limits, maxBodyBytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + host + ":" + requestedPort, e);
        }
        opener = new Thread(() -> {
            try {
                SchemaRegistryCore opened = SchemaRegistryCore.open(kafkaStore);
                synchronized (this) {
                    if (closed) {
                        opened.close();
                        return;
                    }
                    core = opened;
                }
                log.info("schema registry on {} (topic {}) ready in {} ms", url(), topic,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            } catch (RuntimeException e) {
                openFailure = e;
                if (!closed) {
                    log.error("schema registry on topic {} failed to start", topic, e);
                }
            } finally {
                this.opened.countDown();
            }
        }, "vilstream-registry-open-" + topic);
        opener.setDaemon(true);
        opener.start();
        return this;
    }

    /** Waits until the topic has been replayed; throws what stopped the replay. */
    public EmbeddedSchemaRegistry awaitReady() {
        try {
            opened.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the schema registry started", e);
        }
        if (openFailure != null) {
            throw openFailure;
        }
        if (core == null) {
            throw new IllegalStateException("the schema registry was closed before it was ready");
        }
        return this;
    }

    /** The store's health, as {@code GET /health} answers it. */
    public io.vilstream.runtime.http.HealthCheck.Status health() {
        KafkaSchemaStore s = store;
        return s == null ? io.vilstream.runtime.http.HealthCheck.Status.down("not started") : s.health();
    }

    /** The base URL clients use: {@code http://host:port}. */
    public String url() {
        return "http://" + host + ":" + port();
    }

    public int port() {
        if (server == null) {
            throw new IllegalStateException("registry not started");
        }
        return server.port();
    }

    public String topic() {
        return topic;
    }

    /** Stops answering, then stops following the topic (a replay still running is abandoned). */
    @Override
    public synchronized void close() {
        closed = true;
        if (server != null) {
            server.close();
            server = null;
        }
        if (core != null) {
            core.close();
            core = null;
        } else if (store != null && opener != null && opener.isAlive()) {
            store.close(); // fails the replay's pending Kafka calls; the opener then ends
        }
    }

    /** Builder: bootstrap servers are required; the rest defaults to 127.0.0.1, a random port and {@code _vilstream_schemas}. */
    public static final class Builder {
        private String bootstrapServers;
        private String host = DEFAULT_HOST;
        private int port;
        private String topic = DEFAULT_TOPIC;
        private final Map<String, String> kafkaProperties = new HashMap<>();
        private Duration storeTimeout = Duration.ofSeconds(30);
        private ServerLimits limits = ServerLimits.defaults();
        private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;

        public Builder bootstrapServers(String bootstrapServers) {
            this.bootstrapServers = Objects.requireNonNull(bootstrapServers);
            return this;
        }

        /** The address to bind; keep the loopback default unless the registry must be reached from elsewhere. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host);
            return this;
        }

        /** The port to listen on; 0 (the default) picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.port = port;
            return this;
        }

        public Builder topic(String topic) {
            this.topic = Objects.requireNonNull(topic);
            return this;
        }

        /** A Kafka client property (security settings, say) for the registry's admin, producer and consumer. */
        public Builder kafkaProperty(String key, String value) {
            kafkaProperties.put(key, value);
            return this;
        }

        /** How long a request waits for Kafka (a write, catching up) before answering 500 / 50002. */
        public Builder storeTimeout(Duration timeout) {
            this.storeTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /** Request-handling threads (default 8); the queue in front of them is 16 per thread. */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be >= 1");
            }
            this.limits = limits.withWorkerThreads(threads);
            return this;
        }

        /**
         * The HTTP server's pools and timeouts (default {@link ServerLimits#defaults()}: 10 s to
         * send the headers, 30 s for a body and for a response).
         */
        public Builder limits(ServerLimits limits) {
            this.limits = Objects.requireNonNull(limits);
            return this;
        }

        /** The largest request body (a schema) accepted; above it is a 413 (default 8 MiB). */
        public Builder maxBodyBytes(int maxBodyBytes) {
            if (maxBodyBytes < 1) {
                throw new IllegalArgumentException("maxBodyBytes must be >= 1");
            }
            this.maxBodyBytes = maxBodyBytes;
            return this;
        }

        public EmbeddedSchemaRegistry build() {
            return new EmbeddedSchemaRegistry(this);
        }
    }
}
