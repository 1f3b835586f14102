package io.vilstream.trainer.ingest;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which input offsets a publication may commit. A record's offset may be committed once its
 * item has been trained on (or needed no training); a new item still waiting for its first step
 * holds its partition's commit point below it, so a crash before the next publication makes it
 * new again after the restart instead of losing it. Commit points never move backwards, even
 * while a restart re-reads a topic from its beginning.
 */
public final class OffsetTracker {

    private final Map<TopicPartition, TreeMap<Long, Integer>> held = new HashMap<>();
    private final Map<TopicPartition, Long> next = new HashMap<>();
    private final Map<TopicPartition, Long> floor = new HashMap<>();

    /** The committed offset the trainer started from: later commits are never below it. */
    public void startedAt(TopicPartition tp, long committed) {
        floor.put(tp, committed);
    }

    /** A record was consumed. */
    public void consumed(TopicPartition tp, long offset) {
        next.merge(tp, offset + 1, Math::max);
    }

    /** The record's item waits for its first step. */
    public void hold(TopicPartition tp, long offset) {
        held.computeIfAbsent(tp, k -> new TreeMap<>()).merge(offset, 1, Integer::sum);
    }

    /** The item was trained on (or replaced by a newer event of the same content). */
    public void release(TopicPartition tp, long offset) {
        TreeMap<Long, Integer> h = held.get(tp);
        if (h != null) {
            h.computeIfPresent(offset, (k, n) -> n == 1 ? null : n - 1);
        }
    }

    /** The offsets to commit now: per consumed partition, the first offset still held, else the next one. */
    public Map<TopicPartition, OffsetAndMetadata> committable() {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        next.forEach((tp, n) -> {
            TreeMap<Long, Integer> h = held.get(tp);
            long point = h == null || h.isEmpty() ? n : h.firstKey();
            point = Math.max(point, floor.getOrDefault(tp, 0L));
            out.put(tp, new OffsetAndMetadata(point));
        });
        return out;
    }
}
