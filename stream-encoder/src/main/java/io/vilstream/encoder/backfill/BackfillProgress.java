package io.vilstream.encoder.backfill;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;

import io.vilstream.encoder.topology.BufferWatch;
import org.apache.kafka.common.TopicPartition;

/**
 * When one backfill is complete on this instance: every partition's committed position has
 * reached the target taken when the backfill started ({@link BackfillCoordinator#target}: where
 * the live group stood, at most the end offset), and no record below that offset is
 * still in this instance's buffers. Silence is not completion: a backfill that stops moving (a
 * paused partition leader, a slow restore) waits. Kafka Streams commits its consumer's next
 * offsets ({@code ConsumerRecords.nextOffsets()}, past the commit markers of transactional
 * producers), so the target is reached even when a marker follows the last record.
 */
final class BackfillProgress implements BufferWatch {

    private final Map<TopicPartition, Long> target;
    private final Map<Integer, Long> targetByPartition = new ConcurrentHashMap<>();
    /** Offsets below the target buffered here, by partition: forwarded or handed on before completion. */
    private final Map<Integer, Set<Long>> held = new ConcurrentHashMap<>();

    /** @param target the content topic's offsets to reach, taken when the backfill started */
    BackfillProgress(Map<TopicPartition, Long> target) {
        this.target = Map.copyOf(target);
        target.forEach((tp, end) -> targetByPartition.put(tp.partition(), end));
    }

    Map<TopicPartition, Long> target() {
        return target;
    }

    /** @param committed the backfill group's committed offsets */
    boolean complete(Map<TopicPartition, Long> committed) {
        return reached(committed, target) && heldBelowTarget() == 0;
    }

    /** Whether every partition with records has a committed position at or past its target. */
    static boolean reached(Map<TopicPartition, Long> committed, Map<TopicPartition, Long> target) {
        for (Map.Entry<TopicPartition, Long> t : target.entrySet()) {
            if (t.getValue() == 0) {
                continue;
            }
            Long c = committed.get(t.getKey());
            if (c == null || c < t.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** Records below the target buffered on this instance. */
    int heldBelowTarget() {
        return held.values().stream().mapToInt(Set::size).sum();
    }

    @Override
    public void held(int partition, long offset) {
        if (offset < targetByPartition.getOrDefault(partition, 0L)) {
            held.computeIfAbsent(partition, p -> new ConcurrentSkipListSet<>()).add(offset);
        }
    }

    @Override
    public void released(int partition, long offset) {
        Set<Long> offsets = held.get(partition);
        if (offsets != null) {
            offsets.remove(offset);
        }
    }

    @Override
    public void releasedAll(int partition) {
        held.remove(partition);
    }
}
