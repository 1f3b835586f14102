package io.vilstream.cli.chaos;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import io.vilstream.schemas.topics.VilstreamTopic;

/**
 * The checks over the topics as read (Ledger), pure functions so they are tested on made-up
 * records: every id accounted for, no duplicate per (id, version, content), versions never
 * going back per id except through a rollback. Within a partition, offsets order an id's
 * records (every topic is keyed by content id); the last record per id and embedding topic is
 * the final version's embedding of the id's latest content.
 */
final class OutputChecks {

    /** A rollback as the run performed it: the served version was {@code from}, became {@code to}. */
    record Rollback(long from, long to) {
    }

    private static final int EXAMPLES = 5;

    private OutputChecks() {
    }

    /**
     * Every id's latest content record is accounted for: embedded (image and text) by
     * {@code finalVersion} from that very event, in the DLQ, or deleted (a tombstone, and the last
     * image, text and tags records of the id are tombstones or there are none). Every malformed
     * event ({@code malformed} says which ids the producer made so) is in the DLQ and not embedded.
     */
    static CheckResult accounted(Ledger.Snapshot s, long finalVersion, java.util.function.Predicate<String> malformed) {
        Map<String, Ledger.Content> latest = latestContent(s.content());
        Set<String> deadOffsets = s.dlq().stream().map(d -> d.sourcePartition() + ":" + d.sourceOffset())
                .collect(Collectors.toSet());
        Map<String, Map<VilstreamTopic, Ledger.Output>> lastOut = new HashMap<>();
        Set<String> embeddedFinal = new java.util.HashSet<>();
        for (Ledger.Output o : sortedOutputs(s.outputs())) {
            lastOut.computeIfAbsent(o.id(), k -> new HashMap<>()).put(o.topic(), o);
            if (o.version() == finalVersion) {
                embeddedFinal.add(o.topic() + "|" + o.id() + "|" + o.eventTime());
            }
        }
        long embedded = 0;
        long dead = 0;
        long deleted = 0;
        List<String> missing = new ArrayList<>();
        for (Ledger.Content c : latest.values()) {
            if (c.tombstone()) {
                Map<VilstreamTopic, Ledger.Output> last = lastOut.getOrDefault(c.id(), Map.of());
                boolean gone = last.values().stream().allMatch(Ledger.Output::tombstone);
                if (gone) {
                    deleted++;
                } else {
                    missing.add(c.id() + " (deleted, but its last " + last.values().stream().filter(o -> !o.tombstone())
                            .map(o -> o.topic().key()).sorted().collect(Collectors.joining("/")) + " record is not a tombstone)");
                }
            } else if (deadOffsets.contains(c.partition() + ":" + c.offset())) {
                dead++;
            } else if (embeddedFinal.contains(VilstreamTopic.EMBEDDINGS_IMAGE + "|" + c.id() + "|" + c.eventTime())
                    && embeddedFinal.contains(VilstreamTopic.EMBEDDINGS_TEXT + "|" + c.id() + "|" + c.eventTime())) {
                embedded++;
            } else {
                missing.add(c.id() + " (latest content at offset " + c.partition() + ":" + c.offset()
                        + " has no image+text embedding of v" + finalVersion + " and no DLQ record)");
            }
        }
        long malformedTotal = 0;
        for (Ledger.Content c : s.content()) {
            if (!c.tombstone() && malformed.test(c.id())) {
                malformedTotal++;
                if (!deadOffsets.contains(c.partition() + ":" + c.offset())) {
                    missing.add(c.id() + " (malformed, not in the DLQ)");
                }
                if (lastOut.containsKey(c.id())) {
                    missing.add(c.id() + " (malformed, yet embedded)");
                }
            }
        }
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("content_records", s.content().size());
        counts.put("ids", latest.size());
        counts.put("embedded", embedded);
        counts.put("dlq", dead);
        counts.put("deleted", deleted);
        counts.put("malformed_records", malformedTotal);
        counts.put("unaccounted", missing.size());
        return CheckResult.of("every-record-accounted", missing.isEmpty(), missing.isEmpty()
                ? String.format("%d ids: %d embedded by v%d for their latest content, %d in the DLQ, %d deleted",
                        latest.size(), embedded, finalVersion, dead, deleted)
                : missing.size() + " unaccounted, e.g. " + examples(missing), counts);
    }

    /**
     * Per id to be embedded (its latest content neither deleted nor in the DLQ), the last record
     * on each embedding topic, in offset order, is the final version's embedding of that latest
     * content, compared by content (the hash of the event it came from): the same content sent
     * again is the same, while older content written after newer content (a backfill racing the
     * live encoder) is stale, and would be what a reader of the compacted topic keeps. Ids with no
     * embedding at all are left to {@link #accounted}.
     */
    static CheckResult latestLast(Ledger.Snapshot s, long finalVersion) {
        Map<String, Ledger.Content> latest = latestContent(s.content());
        Set<String> deadOffsets = s.dlq().stream().map(d -> d.sourcePartition() + ":" + d.sourceOffset())
                .collect(Collectors.toSet());
        Map<String, String> hashByEvent = new HashMap<>();
        for (Ledger.Content c : s.content()) {
            if (!c.tombstone()) {
                hashByEvent.put(c.id() + "|" + c.eventTime(), c.hash());
            }
        }
        Map<String, Ledger.Output> last = new HashMap<>();
        for (Ledger.Output o : sortedOutputs(s.outputs())) {
            if (o.topic() != VilstreamTopic.TAGS) {
                last.put(o.topic().key() + "|" + o.id(), o);
            }
        }
        List<String> stale = new ArrayList<>();
        long checked = 0;
        for (Ledger.Content c : latest.values()) {
            if (c.tombstone() || deadOffsets.contains(c.partition() + ":" + c.offset())) {
                continue;
            }
            for (VilstreamTopic t : List.of(VilstreamTopic.EMBEDDINGS_IMAGE, VilstreamTopic.EMBEDDINGS_TEXT)) {
                Ledger.Output o = last.get(t.key() + "|" + c.id());
                if (o == null) {
                    continue;
                }
                checked++;
                String hash = o.tombstone() ? null : hashByEvent.get(o.id() + "|" + o.eventTime());
                if (o.tombstone()) {
                    stale.add(c.id() + " on " + t.key() + ": last record is a tombstone, the latest content is not deleted");
                } else if (!c.hash().equals(hash)) {
                    stale.add(c.id() + " on " + t.key() + ": last record (v" + o.version() + ", offset " + o.partition() + ":"
                            + o.offset() + ") is of older content " + hash + ", the latest is " + c.hash());
                } else if (o.version() != finalVersion) {
                    stale.add(c.id() + " on " + t.key() + ": last record is of v" + o.version() + " at offset " + o.partition()
                            + ":" + o.offset() + ", not v" + finalVersion);
                }
            }
        }
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("checked", checked);
        counts.put("stale", stale.size());
        return CheckResult.of("latest-content-last", stale.isEmpty(), stale.isEmpty()
                ? String.format("%d (topic, id) last records: each the v%d embedding of the id's latest content", checked,
                        finalVersion)
                : stale.size() + " last records not the latest content by v" + finalVersion + ", e.g. " + examples(stale),
                counts);
    }

    /**
     * No (topic, id, version, content) appears more often than that content was produced for the
     * id, times one plus the rollbacks back to that version (each makes the version served
     * again, and its backfill may embed again what was embedded before). Output whose event time
     * matches no produced event is an orphan.
     */
    static CheckResult noDuplicates(Ledger.Snapshot s, List<Rollback> rollbacks) {
        Map<String, String> hashByEvent = new HashMap<>();
        Map<String, Integer> produced = new HashMap<>();
        for (Ledger.Content c : s.content()) {
            if (!c.tombstone()) {
                hashByEvent.put(c.id() + "|" + c.eventTime(), c.hash());
                produced.merge(c.id() + "|" + c.hash(), 1, Integer::sum);
            }
        }
        Map<String, Integer> seen = new HashMap<>();
        List<String> orphans = new ArrayList<>();
        for (Ledger.Output o : s.outputs()) {
            if (o.tombstone() || o.topic() == VilstreamTopic.TAGS) {
                continue;
            }
            String hash = hashByEvent.get(o.id() + "|" + o.eventTime());
            if (hash == null) {
                orphans.add(o.id() + "@" + o.eventTime() + " on " + o.topic().key());
                continue;
            }
            seen.merge(o.topic().key() + "|" + o.id() + "|" + o.version() + "|" + hash, 1, Integer::sum);
        }
        List<String> duplicates = new ArrayList<>();
        long reembedded = 0;
        for (Map.Entry<String, Integer> e : seen.entrySet()) {
            String[] k = e.getKey().split("\\|");
            long version = Long.parseLong(k[2]);
            long again = rollbacks.stream().filter(r -> r.to() == version).count();
            int allowed = produced.getOrDefault(k[1] + "|" + k[3], 0) * (int) (1 + again);
            if (e.getValue() > allowed) {
                duplicates.add(k[1] + " v" + version + " content " + k[3] + " on " + k[0] + ": " + e.getValue()
                        + " records, produced " + produced.getOrDefault(k[1] + "|" + k[3], 0) + "x");
            } else if (e.getValue() > 1) {
                reembedded++;
            }
        }
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("distinct_id_version_content", seen.size());
        counts.put("legitimate_repeats", reembedded);
        counts.put("duplicates", duplicates.size());
        counts.put("orphans", orphans.size());
        boolean ok = duplicates.isEmpty() && orphans.isEmpty();
        return CheckResult.of("no-duplicates", ok, ok
                ? String.format("%d (topic, id, version, content) keys, none above its produced count; %d repeated legitimately "
                        + "(the same content produced again, or a rollback's backfill)", seen.size(), reembedded)
                : duplicates.size() + " duplicated, " + orphans.size() + " orphans, e.g. "
                        + examples(duplicates.isEmpty() ? orphans : duplicates), counts);
    }

    /**
     * Per id and embedding topic, in offset order, the model version never decreases, except to
     * a version at or above a rollback's target from one above it. A tombstone starts the id over
     * (content sent again after a delete is a new item).
     */
    static CheckResult versionsMonotonic(Ledger.Snapshot s, List<Rollback> rollbacks) {
        Map<String, Long> last = new HashMap<>();
        List<String> backwards = new ArrayList<>();
        long explained = 0;
        for (Ledger.Output o : sortedOutputs(s.outputs())) {
            if (o.topic() == VilstreamTopic.TAGS) {
                continue;
            }
            String key = o.topic().key() + "|" + o.id();
            if (o.tombstone()) {
                last.remove(key);
                continue;
            }
            Long prev = last.get(key);
            if (prev != null && o.version() < prev) {
                long next = o.version();
                if (rollbacks.stream().anyMatch(r -> r.to() <= next && prev > r.to())) {
                    explained++;
                } else {
                    backwards.add(o.id() + " on " + o.topic().key() + ": v" + prev + " then v" + next + " at offset "
                            + o.partition() + ":" + o.offset());
                }
            }
            last.put(key, o.version());
        }
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("backwards", backwards.size());
        counts.put("after_rollback", explained);
        return CheckResult.of("versions-monotonic", backwards.isEmpty(), backwards.isEmpty()
                ? "no id's version went back" + (explained > 0 ? " except " + explained + " times after a rollback" : "")
                : backwards.size() + " went back without a rollback, e.g. " + examples(backwards), counts);
    }

    /**
     * A transaction seen open on a partition: the producer, where it began, and when this run
     * first saw it open (seconds since producing started).
     */
    record OpenTransaction(String partition, long producerId, int producerEpoch, long firstOffset, double firstSeenAt) {
    }

    /**
     * No transaction stays open longer than {@code limitSeconds} (the producers' transaction
     * timeout plus a margin): the coordinator aborts one that outlives its timeout, so one still
     * open is one the coordinator does not know (a hanging transaction). It holds its partition's
     * last stable offset, so every read_committed reader (the retriever, downstream, these checks)
     * stops there for good. The remedy: {@code kafka-transactions.sh abort} (OPERATIONS.md).
     */
    static CheckResult noHangingTransactions(List<OpenTransaction> open, double now, double limitSeconds) {
        List<String> hanging = new ArrayList<>();
        for (OpenTransaction t : open) {
            double age = now - t.firstSeenAt();
            if (age > limitSeconds) {
                hanging.add(String.format("%s: producer %d (epoch %d) open from offset %d for at least %.0f s", t.partition(),
                        t.producerId(), t.producerEpoch(), t.firstOffset(), age));
            }
        }
        Map<String, Object> counts = new LinkedHashMap<>();
        counts.put("open", open.size());
        counts.put("hanging", hanging.size());
        return CheckResult.of("no-hanging-transactions", hanging.isEmpty(), hanging.isEmpty()
                ? String.format("%d transactions open now, none for more than %.0f s", open.size(), limitSeconds)
                : hanging.size() + " transactions open for more than " + Math.round(limitSeconds) + " s (hanging: every "
                        + "read_committed reader stops at them; kafka-transactions.sh abort), e.g. " + examples(hanging), counts);
    }

    /** The latest content record per id (ids live in one partition: the highest offset wins). */
    static Map<String, Ledger.Content> latestContent(List<Ledger.Content> content) {
        Map<String, Ledger.Content> latest = new TreeMap<>();
        for (Ledger.Content c : content) {
            latest.merge(c.id(), c, (a, b) -> b.offset() > a.offset() ? b : a);
        }
        return latest;
    }

    private static List<Ledger.Output> sortedOutputs(List<Ledger.Output> outputs) {
        List<Ledger.Output> sorted = new ArrayList<>(outputs);
        sorted.sort(Comparator.comparing((Ledger.Output o) -> o.topic()).thenComparingInt(Ledger.Output::partition)
                .thenComparingLong(Ledger.Output::offset));
        return sorted;
    }

    private static String examples(List<String> items) {
        return String.join("; ", items.subList(0, Math.min(EXAMPLES, items.size())));
    }
}
