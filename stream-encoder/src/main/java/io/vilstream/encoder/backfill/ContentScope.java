package io.vilstream.encoder.backfill;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.LongPredicate;
import java.util.stream.Collectors;

import io.vilstream.encoder.topology.BackfillScope;
import io.vilstream.modelstore.ModelRegistryState;
import io.vilstream.schemas.avro.ModelStatus;
import io.vilstream.schemas.avro.ModelVersion;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One backfill's {@link BackfillScope}: its target (where the live encoder stood when it
 * started) and, for every id, the offset of its latest content record (or tombstone) below the
 * target, read once before the backfill starts. That read is complete, unlike the backfill's
 * view of the embedding topic, so an id's older content is never re-embedded, whatever the live
 * encoder has written meanwhile and whether the backfill has seen it yet. Ids keep one entry
 * each (the key and an offset), not their content.
 */
final class ContentScope implements BackfillScope {

    private static final Logger log = LoggerFactory.getLogger(ContentScope.class);

    private final Map<Integer, Long> target;
    private final Map<String, Long> latest;
    private final Map<Integer, Set<Long>> heldByLive;
    private final java.util.function.Predicate<String> touchedSince;
    private final BooleanSupplier superseded;
    private final LongPredicate newerServing;

    /**
     * @param target      end offset per partition of the content topic
     * @param latest      content id → offset of its latest record below the target (ids missing: not known)
     * @param heldByLive  offsets below the target still in the live encoder's buffers, by partition
     * @param touchedSince whether an id has a record at or after the target (read while the backfill runs)
     * @param superseded  whether a newer version is served now
     * @param newerServing whether a version above the backfill's may be a newer serving's
     */
    ContentScope(Map<Integer, Long> target, Map<String, Long> latest, Map<Integer, Set<Long>> heldByLive,
                 java.util.function.Predicate<String> touchedSince, BooleanSupplier superseded, LongPredicate newerServing) {
        this.touchedSince = touchedSince;
        this.target = Map.copyOf(target);
        this.latest = latest;
        this.heldByLive = heldByLive;
        this.superseded = superseded;
        this.newerServing = newerServing;
    }

    @Override
    public boolean mine(String id, int partition, long offset) {
        Long end = target.get(partition);
        if (end == null || offset >= end) {
            return false; // after the target: the live encoder embeds it with the new version
        }
        if (heldByLive.getOrDefault(partition, Set.of()).contains(offset)) {
            return false; // committed into a live buffer, not yet encoded: the live encoder encodes it, with the new version
        }
        if (touchedSince.test(id)) {
            return false; // a newer record came after the target: the live encoder writes the id, with this version
        }
        Long last = latest.get(id);
        return last == null || offset >= last;
    }

    @Override
    public boolean superseded() {
        return superseded.getAsBoolean();
    }

    @Override
    public boolean newerServing(long version) {
        return newerServing.test(version);
    }

    /**
     * From the model versions recorded when a backfill of {@code version} begins: a version above
     * every recorded one, or a candidate then, may be a newer serving; the others above it (rolled
     * back, rejected, or no longer retained) will not be served again.
     */
    static LongPredicate newerServing(ModelRegistryState state, long version) {
        long highest = state.nextVersion() - 1;
        Set<Long> candidates = state.all().stream().filter(v -> v.getVersion() > version && v.getStatus() == ModelStatus.CANDIDATE)
                .map(ModelVersion::getVersion).collect(Collectors.toSet());
        return v -> v > highest || candidates.contains(v);
    }

    /**
     * The content offsets held in the live encoder's buffers as committed now: the live group has
     * committed past them (its offsets are the backfill's target), yet they are still to be
     * encoded, after the swap, so with the new version. Read from the buffer store's changelog
     * ({@code changelog}: one partition per content partition, keys the zero-padded offsets,
     * tombstones once forwarded), read_committed, up to its end or {@code timeout}.
     */
    static Map<Integer, Set<Long>> heldByLive(Map<String, Object> common, String changelog, Duration timeout) {
        Map<String, Object> p = new HashMap<>(common);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        Map<Integer, Set<Long>> held = new HashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>(consumer.partitionsFor(changelog, timeout).stream()
                    .map(i -> new TopicPartition(changelog, i.partition())).toList());
            if (parts.isEmpty()) {
                return held; // no live buffer was ever written
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts, timeout);
            parts.removeIf(tp -> end.get(tp) == 0);
            while (!parts.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.key() == null) {
                        continue;
                    }
                    long offset;
                    try {
                        offset = Long.parseLong(new String(r.key(), StandardCharsets.UTF_8));
                    } catch (NumberFormatException e) {
                        continue;
                    }
                    Set<Long> set = held.computeIfAbsent(r.partition(), k -> new java.util.HashSet<>());
                    if (r.value() == null) {
                        set.remove(offset);
                    } else {
                        set.add(offset);
                    }
                }
                parts.removeIf(tp -> consumer.position(tp) >= end.get(tp));
            }
            if (!parts.isEmpty()) {
                log.warn("reading the live buffers' changelog {} timed out; records still buffered there may be embedded twice",
                        changelog);
            }
        } catch (RuntimeException e) {
            log.warn("cannot read the live buffers' changelog {} ({}); records still buffered there may be embedded twice",
                    changelog, e.toString());
        }
        return held;
    }

    /**
     * Reads the keys of {@code topic} up to {@code target} (read_committed, no group) and returns
     * each key's highest offset below it. On {@code timeout} it returns what it read, and says so:
     * an id whose latest record was not read may then have older content embedded before it.
     */
    static Map<String, Long> latestOffsets(Map<String, Object> common, Map<TopicPartition, Long> target, Duration timeout) {
        Map<String, Object> p = new HashMap<>(common);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        Map<String, Long> latest = new HashMap<>();
        List<TopicPartition> parts = new ArrayList<>(target.entrySet().stream().filter(e -> e.getValue() > 0)
                .map(Map.Entry::getKey).toList());
        if (parts.isEmpty()) {
            return latest;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            while (!parts.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    log.warn("reading the latest content offsets timed out before {} reached the target {}: "
                            + "ids whose latest record was not read are backfilled as they come", parts, target);
                    break;
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.key() != null && r.offset() < target.get(tp)) {
                        latest.merge(new String(r.key(), StandardCharsets.UTF_8), r.offset(), Math::max);
                    }
                }
                parts.removeIf(tp -> consumer.position(tp) >= target.get(tp));
                consumer.pause(consumer.assignment().stream().filter(tp -> !parts.contains(tp)).toList());
            }
        }
        return latest;
    }
}
