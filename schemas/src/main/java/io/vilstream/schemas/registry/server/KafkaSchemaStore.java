package io.vilstream.schemas.registry.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import io.vilstream.runtime.http.HealthCheck;
import io.vilstream.schemas.registry.SchemaRegistryException;
import io.vilstream.schemas.registry.core.SchemaStore;
import io.vilstream.schemas.registry.core.StoreEntry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SchemaStore} on a compacted single-partition Kafka topic ({@code _vilstream_schemas} by default), as
 * Confluent's registry keeps its state: every instance reads the whole topic at start and then
 * follows it on a reader thread; a write produces a record and returns only once this instance's
 * reader has applied that offset, so a client sees its own write in the next request.
 * Before a registration the registry also waits for the reader to reach the topic's end
 * ({@link #catchUp()}), so it decides on the newest state it can know of.
 */
final class KafkaSchemaStore implements SchemaStore {

    private static final Logger log = LoggerFactory.getLogger(KafkaSchemaStore.class);

    private final String topic;
    private final TopicPartition partition;
    private final Map<String, Object> clientProperties;
    private final Duration timeout;
    private final StoreRecordCodec codec = new StoreRecordCodec();

    private Admin admin;
    private KafkaProducer<String, String> producer;
    private KafkaConsumer<String, String> consumer;
    private Thread reader;
    private volatile boolean running;
    private volatile Throwable readerFailure;
    /** Set once the topic has been replayed up to its end at start. */
    private volatile boolean replayed;
    /** Records between the reader's position and the end it last saw; -1 before it knows. */
    private volatile long lag = -1;

    private final Object progress = new Object();
    /** The next offset the reader will apply: everything below it is in the state. */
    private long appliedUpTo;

    KafkaSchemaStore(String bootstrapServers, String topic, Map<String, String> clientOverrides, Duration timeout) {
        this.topic = topic;
        this.partition = new TopicPartition(topic, 0);
        this.timeout = timeout;
        Map<String, Object> props = new HashMap<>(clientOverrides);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        this.clientProperties = Map.copyOf(props);
    }

    @Override
    public void start(Consumer<StoreEntry> sink) {
        admin = Admin.create(clientProperties);
        ensureTopic();
        producer = new KafkaProducer<>(producerProperties(), new StringSerializer(), new StringSerializer());
        consumer = new KafkaConsumer<>(consumerProperties(), new StringDeserializer(), new StringDeserializer());
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        long end = endOffset();
        running = true;
        reader = new Thread(() -> readLoop(sink), "vilstream-registry-reader-" + topic);
        reader.setDaemon(true);
        reader.start();
        awaitApplied(end);
        replayed = true;
        log.info("schema store replayed {} up to offset {}", topic, end);
    }

    @Override
    public void append(StoreEntry entry) {
        StoreRecordCodec.Encoded record = codec.encode(entry);
        RecordMetadata written = await(producer.send(new ProducerRecord<>(topic, 0, record.key(), record.value())));
        awaitApplied(written.offset() + 1);
    }

    private RecordMetadata await(Future<RecordMetadata> sent) {
        try {
            return sent.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw SchemaRegistryException.storeError("Error while writing to the schema topic " + topic + ": "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw SchemaRegistryException.timeout("Write to the schema topic " + topic + " timed out after " + timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SchemaRegistryException.storeError("Interrupted while writing to the schema topic " + topic, e);
        }
    }

    /** Sends the entries back to back (one partition keeps their order), then waits for the last. */
    @Override
    public void appendAll(List<StoreEntry> entries) {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (StoreEntry entry : entries) {
            StoreRecordCodec.Encoded record = codec.encode(entry);
            sent.add(producer.send(new ProducerRecord<>(topic, 0, record.key(), record.value())));
        }
        long last = -1;
        for (Future<RecordMetadata> f : sent) {
            last = Math.max(last, await(f).offset());
        }
        if (last >= 0) {
            awaitApplied(last + 1);
        }
    }

    @Override
    public void catchUp() {
        awaitApplied(endOffset());
    }

    /**
     * Up once the topic was replayed at start, while the reader runs and has read up to the end it
     * last saw; answers from what the reader recorded, without a network call.
     */
    HealthCheck.Status health() {
        if (readerFailure != null) {
            return HealthCheck.Status.down("the reader of " + topic + " stopped: " + readerFailure.getMessage());
        }
        if (!replayed) {
            return HealthCheck.Status.down("replaying " + topic);
        }
        long behind = lag;
        return behind > 0 ? HealthCheck.Status.down(behind + " records of " + topic + " not read yet")
                : HealthCheck.Status.up("caught up with " + topic + " at offset " + appliedOffset());
    }

    private long appliedOffset() {
        synchronized (progress) {
            return appliedUpTo;
        }
    }

    @Override
    public void close() {
        running = false;
        if (reader != null) {
            consumer.wakeup();
            try {
                reader.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else if (consumer != null) {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
    }

    private void readLoop(Consumer<StoreEntry> sink) {
        try {
            while (running) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    apply(r, sink);
                }
                // the position also moves past offsets compaction removed: use it, not the last record
                long position = consumer.position(partition);
                lag = consumer.currentLag(partition).orElse(-1);
                synchronized (progress) {
                    if (position > appliedUpTo) {
                        appliedUpTo = position;
                        progress.notifyAll();
                    }
                }
            }
        } catch (WakeupException e) {
            // close() woke us up
        } catch (RuntimeException e) {
            readerFailure = e;
            log.error("the schema store reader of {} stopped", topic, e);
            synchronized (progress) {
                progress.notifyAll();
            }
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    private void apply(ConsumerRecord<String, String> r, Consumer<StoreEntry> sink) {
        try {
            codec.decode(r.key(), r.value()).ifPresent(sink);
        } catch (IllegalArgumentException e) {
            // someone else's record in the topic: skip it, as Confluent's registry does
            log.warn("skipping record {} of {}: {}", r.offset(), topic, e.getMessage());
        }
    }

    private void awaitApplied(long offset) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (appliedUpTo < offset) {
                if (readerFailure != null) {
                    throw SchemaRegistryException.storeError("the reader of the schema topic " + topic + " failed: "
                            + readerFailure.getMessage(), readerFailure);
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    throw SchemaRegistryException.timeout("the schema topic " + topic + " was not read up to offset "
                            + offset + " within " + timeout + " (applied up to " + appliedUpTo + ")");
                }
                try {
                    progress.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw SchemaRegistryException.storeError("interrupted while reading the schema topic " + topic, e);
                }
            }
        }
    }

    private long endOffset() {
        try {
            return admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition)
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).offset();
        } catch (ExecutionException e) {
            throw SchemaRegistryException.storeError("cannot read the end offset of " + topic + ": "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw SchemaRegistryException.timeout("reading the end offset of " + topic + " timed out after " + timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SchemaRegistryException.storeError("interrupted while reading the end offset of " + topic, e);
        }
    }

    /** Creates the topic (1 partition, compacted) if it is missing; refuses one of another shape. */
    private void ensureTopic() {
        try {
            if (!describe().isPresent()) {
                int brokers = admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS).size();
                short replicas = (short) Math.max(1, Math.min(3, brokers));
                NewTopic spec = new NewTopic(topic, 1, replicas)
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
                try {
                    admin.createTopics(List.of(spec)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    log.info("created the schema topic {} (1 partition, {} replicas, compacted)", topic, replicas);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e; // another registry creating it at the same moment is fine
                    }
                }
            }
            // a topic created a moment ago may not have reached the broker's metadata yet
            long deadline = System.nanoTime() + timeout.toNanos();
            Optional<TopicDescription> described = describe();
            while (described.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
                described = describe();
            }
            TopicDescription description = described.orElseThrow(() -> new IllegalStateException(
                    "the schema topic " + topic + " was created but cannot be described within " + timeout));
            if (description.partitions().size() != 1) {
                throw new IllegalStateException("the schema topic " + topic + " has " + description.partitions().size()
                        + " partitions; the registry needs exactly 1 to keep one order of changes");
            }
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = null;
            while (config == null) {
                try {
                    config = admin.describeConfigs(List.of(resource)).all()
                            .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(resource);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                        throw e;
                    }
                    Thread.sleep(50);
                }
            }
            String policy = config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
            if (!TopicConfig.CLEANUP_POLICY_COMPACT.equals(policy)) {
                throw new IllegalStateException("the schema topic " + topic + " has cleanup.policy=" + policy
                        + "; it must be compact, or old schemas would be deleted by retention");
            }
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("cannot prepare the schema topic " + topic + ": " + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while preparing the schema topic " + topic, e);
        }
    }

    private Optional<TopicDescription> describe() throws InterruptedException, ExecutionException, TimeoutException {
        try {
            return Optional.of(admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topic));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private Map<String, Object> producerProperties() {
        Map<String, Object> p = new HashMap<>(clientProperties);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "vilstream-registry-" + topic + "-writer");
        // a registration must survive a broker failover once it has been answered
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // registrations are rare and a client waits on each: send at once
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis());
        return p;
    }

    private Map<String, Object> consumerProperties() {
        Map<String, Object> p = new HashMap<>(clientProperties);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "vilstream-registry-" + topic + "-reader");
        // no group: every instance reads the whole topic itself and commits nothing
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return p;
    }
}
