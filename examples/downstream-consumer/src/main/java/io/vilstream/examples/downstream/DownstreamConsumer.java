package io.vilstream.examples.downstream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.vilstream.examples.downstream.VersionSet.Modality;
import io.vilstream.schemas.avro.Embedding;
import io.vilstream.schemas.avro.ModelStatus;
import io.vilstream.schemas.avro.ModelVersion;
import io.vilstream.schemas.serde.AvroDeserializer;
import io.vilstream.schemas.serde.WireFormatException;
import io.vilstream.schemas.topics.TopicSet;
import io.vilstream.schemas.topics.VilstreamTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An example downstream service of the embedding topics (docs/DOWNSTREAM.md): a plain
 * {@link KafkaConsumer} that follows the promoted model version and keeps the vectors of exactly
 * one version in memory, so that nothing it serves ever mixes versions.
 *
 * <p>The switching rule: the consumer serves version S and builds the promoted version P beside
 * it (records of any other version are ignored). It switches to P, with one reference
 * assignment, once P holds a vector for every id S holds, in both modalities, and it has re-read
 * the topics up to where it stood when P was promoted. A tombstone removes the id from both sets.
 * At start-up it reads everything to the end first, then serves P if P covers the largest older
 * version it met, else that older version while P is built.
 *
 * <p>No consumer group and no committed offsets: the state is rebuilt from the compacted topics
 * on every start, as the retriever does. {@link #run()} runs the loop on the caller's thread;
 * {@link #served()} may be called from any thread.
 */
public final class DownstreamConsumer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DownstreamConsumer.class);

    /** The lineage the encoders and the trainer use unless configured otherwise ({@code model.name}). */
    public static final String DEFAULT_MODEL = "vilstream-dual";

    /** Where to read and which model lineage to follow. */
    public record Settings(String bootstrapServers, String registryUrl, String modelName, TopicSet topics) {
        public static Settings of(String bootstrapServers, String registryUrl) {
            return new Settings(bootstrapServers, registryUrl, DEFAULT_MODEL, TopicSet.defaults());
        }
    }

    private final String model;
    private final String imageTopic;
    private final String textTopic;
    private final String versionsTopic;
    private final KafkaConsumer<String, byte[]> consumer;
    private final AvroDeserializer<Embedding> embeddings;
    private final AvroDeserializer<ModelVersion> versions;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicBoolean started = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);

    /** The latest status of every version of the model, as the versions topic says. */
    private final TreeMap<Long, ModelStatus> statuses = new TreeMap<>();
    private volatile long promoted;
    /** What readers get: one version's vectors, replaced by a single assignment. */
    private volatile VersionSet served;
    /** The promoted version while it does not cover the served one yet; null when it is served. */
    private volatile VersionSet building;
    /** Before the first catch-up: every version met, since which one to serve is not known yet. */
    private final Map<Long, VersionSet> startup = new HashMap<>();
    /** The end offsets to reach before the first decision; null once reached. */
    private Map<TopicPartition, Long> startupEnd;
    private volatile boolean caughtUp;
    /** Per embedding partition: below this offset a record is a re-read, which the served set already had. */
    private final Map<TopicPartition, Long> replayUntil = new HashMap<>();
    private boolean rewindRequested;

    public DownstreamConsumer(Settings settings) {
        this.model = settings.modelName();
        this.imageTopic = settings.topics().name(VilstreamTopic.EMBEDDINGS_IMAGE);
        this.textTopic = settings.topics().name(VilstreamTopic.EMBEDDINGS_TEXT);
        this.versionsTopic = settings.topics().name(VilstreamTopic.MODEL_VERSIONS);

        Map<String, Object> config = new HashMap<>();
        // where the cluster is
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        // names this client in the broker's logs, metrics and quotas
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "vilstream-example-downstream");
        // the encoders and the trainer write in transactions: skip aborted records (an encoder's
        // output before a crash, a model version whose publication failed) and see a
        // transaction's records only once it has committed
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // no group.id: partitions are assigned by hand and nothing is committed, because the
        // in-memory state is rebuilt from the compacted topics on every start
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // start from the beginning of each topic (the code also seeks there explicitly)
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // values stay bytes here and are decoded per topic below, so a record that does not
        // decode is skipped and logged instead of failing poll()
        this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());

        // the Confluent-wire-format deserializer: looks the writer schema up in the registry by
        // the id in the record's first bytes and resolves it into the generated class
        Map<String, Object> serde = Map.of("schema.registry.url", settings.registryUrl());
        this.embeddings = new AvroDeserializer<>(Embedding.class);
        this.embeddings.configure(serde, false);
        this.versions = new AvroDeserializer<>(ModelVersion.class);
        this.versions.configure(serde, false);
    }

    /** The served version's vectors; empty until the topics were read to their end once. */
    public Optional<VersionSet> served() {
        return Optional.ofNullable(served);
    }

    /** The version being built beside the served one, if any. */
    public Optional<VersionSet> building() {
        return Optional.ofNullable(building);
    }

    /** The promoted version: the highest whose latest status is PROMOTED, 0 (the seeded version) before any. */
    public long promoted() {
        return promoted;
    }

    /** Whether the topics were read to the end offsets they had at start. */
    public boolean caughtUp() {
        return caughtUp;
    }

    /** Reads until {@link #close()}. */
    public void run() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("run() was already called, or the consumer is closed");
        }
        try {
            List<TopicPartition> embeddingPartitions = partitions(imageTopic, textTopic);
            List<TopicPartition> all = new ArrayList<>(embeddingPartitions);
            all.addAll(partitions(versionsTopic));
            consumer.assign(all);
            consumer.seekToBeginning(all);
            startupEnd = consumer.endOffsets(all); // under read_committed: the last stable offsets
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        if (record.topic().equals(versionsTopic)) {
                            onVersion(record);
                        } else {
                            onEmbedding(record);
                        }
                    } catch (WireFormatException e) {
                        log.warn("skipping {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
                    }
                }
                if (rewindRequested) {
                    rewind(embeddingPartitions);
                }
                if (startupEnd != null && reached(startupEnd)) {
                    startupEnd = null;
                    decideAtStartup();
                    caughtUp = true;
                }
                if (startupEnd == null) {
                    maybeSwitch();
                }
            }
        } catch (WakeupException e) {
            if (running.get()) {
                throw e;
            }
        } finally {
            closeClients();
            stopped.countDown();
        }
    }

    private void onVersion(ConsumerRecord<String, byte[]> record) {
        // key = <model>@<zero-padded version>: one key per version, so compaction keeps every
        // version's latest status; a null value is the trainer's retention deleting a version
        String prefix = model + "@";
        if (record.key() == null || !record.key().startsWith(prefix)) {
            return; // another model lineage
        }
        long version;
        try {
            version = Long.parseLong(record.key().substring(prefix.length()));
        } catch (NumberFormatException e) {
            return;
        }
        ModelVersion value = versions.deserialize(record.topic(), record.value());
        if (value == null) {
            statuses.remove(version);
        } else {
            statuses.put(version, value.getStatus());
        }
        long now = statuses.descendingMap().entrySet().stream()
                .filter(e -> e.getValue() == ModelStatus.PROMOTED)
                .map(Map.Entry::getKey)
                .findFirst().orElse(0L);
        if (now != promoted) {
            log.info("promoted version {} -> {}", promoted, now);
            promoted = now;
            if (startupEnd == null) {
                onPromotion(now);
            }
        }
    }

    private void onPromotion(long version) {
        if (served != null && served.version() == version) {
            building = null; // back to the served version (a rollback before the switch)
            return;
        }
        if (building != null && building.version() == version) {
            return;
        }
        building = new VersionSet(version);
        // its records may already lie behind us (the backfill can run ahead of this reader):
        // read the embedding topics again once this batch is handled
        rewindRequested = true;
    }

    private void onEmbedding(ConsumerRecord<String, byte[]> record) {
        String id = record.key();
        if (id == null) {
            return; // not an item's record: every embedding is keyed by its content id
        }
        Modality modality = record.topic().equals(imageTopic) ? Modality.IMAGE : Modality.TEXT;
        Embedding embedding = embeddings.deserialize(record.topic(), record.value());
        boolean reread = record.offset() < replayUntil.getOrDefault(new TopicPartition(record.topic(), record.partition()), 0L);

        List<VersionSet> targets = new ArrayList<>(2);
        if (startupEnd != null) {
            targets.addAll(startup.values());
        } else {
            if (building != null) {
                targets.add(building);
            }
            if (served != null && !reread) {
                targets.add(served);
            }
        }
        if (embedding == null) {
            targets.forEach(set -> set.remove(modality, id)); // a tombstone: the item was deleted, in every version
            return;
        }
        if (!embedding.getModelName().equals(model) || embedding.getVector().size() != embedding.getDimension()) {
            return;
        }
        long version = embedding.getModelVersion();
        if (startupEnd != null) {
            startup.computeIfAbsent(version, VersionSet::new).put(modality, id, vector(embedding));
            return;
        }
        for (VersionSet set : targets) {
            if (set.version() == version) { // a set never takes another version's vector
                set.put(modality, id, vector(embedding));
            }
        }
    }

    /** The first decision, once everything present at start was read. */
    private void decideAtStartup() {
        VersionSet target = startup.getOrDefault(promoted, new VersionSet(promoted));
        VersionSet older = startup.values().stream()
                .filter(set -> set.version() < promoted)
                .max(Comparator.comparingInt(VersionSet::size))
                .orElse(null);
        startup.clear();
        if (switchable(target, older)) {
            served = target;
            log.info("caught up: serving {}", target);
        } else {
            served = older;
            building = target;
            log.info("caught up: serving {} while promoted {} is incomplete", older, target);
        }
    }

    private void maybeSwitch() {
        VersionSet next = building;
        if (next != null && reached(replayUntil) && switchable(next, served)) {
            VersionSet previous = served;
            served = next; // the switch: readers see the old set or the new one, never a mix
            building = null;
            log.info("serving {} (was {})", next, previous);
        }
    }

    /** The switching rule: the candidate holds something, and every id the current set holds. */
    private static boolean switchable(VersionSet candidate, VersionSet current) {
        return !candidate.isEmpty() && (current == null || candidate.covers(current));
    }

    private void rewind(List<TopicPartition> embeddingPartitions) {
        for (TopicPartition tp : embeddingPartitions) {
            replayUntil.merge(tp, consumer.position(tp), Math::max);
        }
        consumer.seekToBeginning(embeddingPartitions);
        rewindRequested = false;
        log.info("re-reading the embedding topics for version {}", building == null ? "?" : building.version());
    }

    private boolean reached(Map<TopicPartition, Long> offsets) {
        return offsets.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    private static float[] vector(Embedding embedding) {
        List<Float> values = embedding.getVector();
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    private List<TopicPartition> partitions(String... topics) {
        List<TopicPartition> out = new ArrayList<>();
        for (String topic : topics) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " does not exist");
            }
            infos.forEach(i -> out.add(new TopicPartition(topic, i.partition())));
        }
        return out;
    }

    /** Stops {@link #run()} and waits for it to close the consumer; a second call does nothing. */
    @Override
    public void close() {
        if (!running.getAndSet(false)) {
            return;
        }
        if (started.compareAndSet(false, true)) {
            closeClients(); // never ran
            return;
        }
        consumer.wakeup();
        try {
            stopped.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeClients() {
        consumer.close();
        embeddings.close();
        versions.close();
    }

    /** {@code DownstreamConsumer BOOTSTRAP_SERVERS REGISTRY_URL [MODEL_NAME]}: runs until Ctrl-C, printing what it serves. */
    public static void main(String[] args) {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: DownstreamConsumer BOOTSTRAP_SERVERS REGISTRY_URL [MODEL_NAME]");
            System.exit(2);
        }
        Settings settings = new Settings(args[0], args[1], args.length == 3 ? args[2] : DEFAULT_MODEL, TopicSet.defaults());
        DownstreamConsumer consumer = new DownstreamConsumer(settings);
        Runtime.getRuntime().addShutdownHook(new Thread(consumer::close, "downstream-shutdown"));
        ScheduledExecutorService printer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "downstream-status");
            t.setDaemon(true);
            return t;
        });
        printer.scheduleAtFixedRate(() -> System.out.printf("promoted %d, serving %s, building %s%n",
                consumer.promoted(),
                consumer.served().map(VersionSet::toString).orElse(consumer.caughtUp() ? "nothing" : "nothing (catching up)"),
                consumer.building().map(VersionSet::toString).orElse("-")), 5, 10, TimeUnit.SECONDS);
        consumer.run();
    }
}
