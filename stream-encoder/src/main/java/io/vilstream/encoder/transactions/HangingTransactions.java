package io.vilstream.encoder.transactions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and ends the encoder's hanging transactions: a transaction open on an output partition
 * that its coordinator no longer has open there. It holds the partition's last stable offset, so
 * every read_committed reader (the retriever, downstream consumers, the trainer's miners) stops at
 * it for good, while the encoder's own lag stays 0.
 *
 * <p>How one arises (seen in a chaos run, read from the broker's segments and its transaction
 * log): the broker is paused while a stream thread's produce request is in its socket; the
 * producer gives the batch up (delivery timeout), the thread fails and is replaced under a new
 * transactional id, and its abort is queued too. When the broker resumes, the abort completes
 * (the coordinator writes CompleteAbort and bumps the epoch) but the late produce is appended
 * after, with no marker ever following it on that partition.
 *
 * <p>The same rules as Kafka's {@code kafka-transactions.sh find-hanging}, with one more before
 * acting: a transaction is <em>hanging</em> once it has been seen open on a partition for
 * {@code after} and its coordinator does not list that partition in an ongoing transaction of the
 * same producer. It is <em>aborted</em> here only when its coordinator shows it cannot have
 * committed: the producer's state is CompleteAbort at the next epoch (transactions v2 bumps the
 * epoch as each transaction ends, so that abort is this transaction's), or the producer is two or
 * more epochs on (it has completed a later transaction; the coordinator lets a producer add
 * partitions to its next transaction only once the previous one is complete with its markers
 * written, so a committed transaction would have its commit marker on this partition). Then writing the abort marker (Admin
 * {@code abortTransaction}, what {@code kafka-transactions.sh abort} does) only makes the partition
 * agree with its coordinator: nothing committed is lost, and the input the transaction covered
 * was processed again by the thread that replaced it. Any other hanging transaction is left to an
 * operator, logged with the command that ends it, and counted by the gauge.
 */
public final class HangingTransactions implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HangingTransactions.class);

    /** A transaction seen open on a partition, with when this instance first saw it. */
    public record Open(TopicPartition partition, long producerId, int producerEpoch, int coordinatorEpoch, long firstOffset,
                       long firstSeenMillis) {
    }

    /** What to do with one open transaction. */
    public enum Verdict {
        /** Not open long enough yet, or its coordinator still has it open on this partition. */
        WAIT,
        /** Hanging, and its coordinator says it was aborted: write the abort marker. */
        ABORT,
        /** Hanging, and its outcome is not provably an abort: an operator decides. */
        REPORT
    }

    /**
     * The rule, pure: {@code description} is the coordinator's view of the producer's
     * transactional id (empty when no transactional id has that producer id any more).
     */
    public static Verdict judge(Open open, Optional<TransactionDescription> description, long nowMillis, Duration after) {
        if (nowMillis - open.firstSeenMillis() < after.toMillis()) {
            return Verdict.WAIT;
        }
        if (description.isEmpty()) {
            return Verdict.REPORT;
        }
        TransactionDescription d = description.get();
        if (d.producerId() != open.producerId()) {
            return Verdict.REPORT;
        }
        TransactionState s = d.state();
        boolean inFlight = s == TransactionState.ONGOING || s == TransactionState.PREPARE_COMMIT
                || s == TransactionState.PREPARE_ABORT || s == TransactionState.PREPARE_EPOCH_FENCE;
        if (inFlight && d.topicPartitions().contains(open.partition())) {
            return Verdict.WAIT; // its coordinator will write a marker here when this transaction ends
        }
        // transactions v2 bumps the epoch as each transaction ends: CompleteAbort at epoch + 1 is this one's abort
        // (with transactions v1 the epoch stays, and a CompleteAbort could be a later transaction's)
        boolean aborted = s == TransactionState.COMPLETE_ABORT && d.producerEpoch() == open.producerEpoch() + 1;
        // at epoch + 2 or later the producer has ended a later transaction too; a producer may add partitions to
        // its next transaction only once the previous one is complete, markers written; a partition of a
        // committed transaction has its commit marker by then, so these records are a late write of one
        // that was given up
        boolean movedOn = d.producerEpoch() >= open.producerEpoch() + 2;
        return aborted || movedOn ? Verdict.ABORT : Verdict.REPORT;
    }

    private final Map<String, Object> adminConfig;
    private final Collection<String> topics;
    private final String transactionalIdPrefix;
    private final Duration after;
    private final LongSupplier clock;
    private final ScheduledExecutorService scheduler;
    private final Map<String, Open> seen = new HashMap<>();
    private final Set<String> reported = new HashSet<>();
    private final Set<String> reportedHeld = new HashSet<>();
    private final Counter aborted;
    private volatile int hanging;
    private volatile int held;

    /**
     * @param adminConfig           the Admin client's settings (bootstrap servers and security)
     * @param topics                the encoder's output topics
     * @param transactionalIdPrefix only transactions of this application (the live encoder and its backfills)
     * @param after                 how long a transaction must be seen open before it is judged: well above
     *                              the producers' transaction timeout
     */
    public HangingTransactions(Map<String, Object> adminConfig, Collection<String> topics, String transactionalIdPrefix,
                               Duration after, MeterRegistry registry, LongSupplier clock) {
        this.adminConfig = Map.copyOf(adminConfig);
        this.topics = List.copyOf(topics);
        this.transactionalIdPrefix = transactionalIdPrefix;
        this.after = after;
        this.clock = clock;
        this.aborted = Counter.builder("vilstream.encoder.hanging.transactions.aborted")
                .description("hanging transactions on the output topics ended with an abort marker (their coordinator had aborted them)")
                .register(registry);
        Gauge.builder("vilstream.encoder.hanging.transactions", () -> hanging)
                .description("transactions open on the output topics past the limit and not ended here: an operator must act")
                .register(registry);
        Gauge.builder("vilstream.encoder.transactions.held", () -> held)
                .description("transactions open on the output topics past the limit that their coordinator still has in flight: "
                        + "not hanging, but read_committed readers wait at them until the broker ends them")
                .register(registry);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hanging-transactions");
            t.setDaemon(true);
            return t;
        });
    }

    /** Looks every {@code every} (first after one period), until closed. */
    public HangingTransactions start(Duration every) {
        scheduler.scheduleWithFixedDelay(this::checkQuietly, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void checkQuietly() {
        try {
            check();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.debug("hanging-transaction check failed (the broker may be away): {}", e.toString());
        }
    }

    /** The partitions of those of {@code topics} that exist (a changelog exists once its first task has started). */
    public static List<TopicPartition> partitionsOf(Admin admin, Collection<String> topics) throws InterruptedException,
            java.util.concurrent.TimeoutException {
        List<TopicPartition> partitions = new ArrayList<>();
        for (var e : admin.describeTopics(topics).topicNameValues().entrySet()) {
            try {
                e.getValue().get(30, TimeUnit.SECONDS).partitions()
                        .forEach(p -> partitions.add(new TopicPartition(e.getKey(), p.partition())));
            } catch (java.util.concurrent.ExecutionException missing) {
                // not created yet: nothing of it to judge
            }
        }
        return partitions;
    }

    /** One look: open transactions on the output topics, judged, the provable aborts ended. Returns the abort count. */
    public synchronized int check() throws Exception {
        int ended = 0;
        try (Admin admin = Admin.create(adminConfig)) {
            List<TopicPartition> partitions = partitionsOf(admin, topics);
            long now = clock.getAsLong();
            Map<String, Open> open = new HashMap<>();
            var described = admin.describeProducers(partitions);
            Map<TopicPartition, org.apache.kafka.clients.admin.DescribeProducersResult.PartitionProducerState> states = new HashMap<>();
            for (TopicPartition tp : partitions) {
                try {
                    states.put(tp, described.partitionResult(tp).get(30, TimeUnit.SECONDS));
                } catch (java.util.concurrent.ExecutionException e) {
                    // e.g. no permission to describe __consumer_offsets on a secured cluster: the other partitions are still judged
                    log.debug("cannot describe the producers of {}: {}", tp, e.getCause() == null ? e : e.getCause().toString());
                }
            }
            states.forEach((tp, state) -> {
                for (ProducerState ps : state.activeProducers()) {
                    if (ps.currentTransactionStartOffset().isPresent()) {
                        long first = ps.currentTransactionStartOffset().getAsLong();
                        String key = tp + "|" + ps.producerId() + "|" + ps.producerEpoch() + "|" + first;
                        open.put(key, seen.getOrDefault(key, new Open(tp, ps.producerId(), ps.producerEpoch(),
                                ps.coordinatorEpoch().orElse(-1), first, now)));
                    }
                }
            });
            seen.keySet().retainAll(open.keySet());
            seen.putAll(open);
            reported.retainAll(open.keySet());
            reportedHeld.retainAll(open.keySet());
            List<Open> old = open.values().stream().filter(o -> now - o.firstSeenMillis() >= after.toMillis()).toList();
            if (old.isEmpty()) {
                hanging = 0;
                held = 0;
                return 0;
            }
            Map<Long, String> ids = new HashMap<>();
            Set<Long> producers = new HashSet<>();
            old.forEach(o -> producers.add(o.producerId()));
            for (TransactionListing l : admin.listTransactions(new ListTransactionsOptions().filterProducerIds(producers))
                    .all().get(30, TimeUnit.SECONDS)) {
                ids.put(l.producerId(), l.transactionalId());
            }
            Map<String, TransactionDescription> descriptions = ids.isEmpty() ? Map.of()
                    : admin.describeTransactions(ids.values()).all().get(30, TimeUnit.SECONDS);
            int left = 0;
            int inFlight = 0;
            for (Open o : old) {
                String tid = ids.get(o.producerId());
                if (tid != null && !tid.startsWith(transactionalIdPrefix)) {
                    continue; // another application's transaction: not ours to judge
                }
                Verdict v = judge(o, Optional.ofNullable(tid == null ? null : descriptions.get(tid)), now, after);
                String key = o.partition() + "|" + o.producerId() + "|" + o.producerEpoch() + "|" + o.firstOffset();
                if (v == Verdict.ABORT) {
                    admin.abortTransaction(new AbortTransactionSpec(o.partition(), o.producerId(), (short) o.producerEpoch(),
                            o.coordinatorEpoch())).all().get(30, TimeUnit.SECONDS);
                    aborted.increment();
                    ended++;
                    seen.remove(key);
                    log.warn("ended a hanging transaction on {}: producer {} ({}), epoch {}, open from offset {} for {} s; its "
                                    + "coordinator had aborted it, the abort marker was missing", o.partition(), o.producerId(), tid,
                            o.producerEpoch(), o.firstOffset(), (now - o.firstSeenMillis()) / 1000);
                } else if (v == Verdict.REPORT) {
                    left++;
                    if (reported.add(key)) {
                        TransactionDescription d = tid == null ? null : descriptions.get(tid);
                        log.error("hanging transaction on {}: producer {} ({}), epoch {}, open from offset {} for {} s; its "
                                        + "coordinator says {}. read_committed readers of {} stop there. If its outcome was an "
                                        + "abort: kafka-transactions.sh --bootstrap-server B abort --topic {} --partition {} "
                                        + "--start-offset {}", o.partition(), o.producerId(), tid, o.producerEpoch(), o.firstOffset(),
                                (now - o.firstSeenMillis()) / 1000, d == null ? "nothing (no transactional id has this producer)"
                                        : d.state() + " at epoch " + d.producerEpoch(), o.partition(), o.partition().topic(),
                                o.partition().partition(), o.firstOffset());
                    }
                } else {
                    // past the limit, yet its coordinator still has it in flight on this partition: not
                    // hanging, but every read_committed reader waits here until the broker ends it
                    inFlight++;
                    if (reportedHeld.add(key)) {
                        TransactionDescription d = descriptions.get(tid);
                        log.warn("transaction on {} open for {} s: producer {} ({}), epoch {}, from offset {}; its coordinator "
                                        + "has it {} at epoch {} (begun {} s ago, timeout {} ms), so read_committed readers of {} "
                                        + "wait for the broker to end it", o.partition(), (now - o.firstSeenMillis()) / 1000,
                                o.producerId(), tid, o.producerEpoch(), o.firstOffset(), d.state(), d.producerEpoch(),
                                d.transactionStartTimeMs().isPresent()
                                        ? (System.currentTimeMillis() - d.transactionStartTimeMs().getAsLong()) / 1000 : "?",
                                d.transactionTimeoutMs(), o.partition());
                    }
                }
            }
            hanging = left;
            held = inFlight;
        }
        return ended;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
