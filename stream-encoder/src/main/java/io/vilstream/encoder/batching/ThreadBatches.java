package io.vilstream.encoder.batching;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The micro-batches of one topology, one per stream thread: every task a thread runs adds its
 * buffered records to the same batch, so the towers see full batches however many input
 * partitions (tasks) the thread owns. Encoding per task would split a thread's records into as
 * many partial batches as it has tasks (measured: mean batch 16 of 32 with four partitions, and
 * the towers cost 40% more per item at 16 than at 32).
 *
 * <p>A full batch is encoded off the stream thread ({@link Batch#start}, on {@link TowerWorkers}),
 * so the thread decodes and validates the next batches, and forwards earlier outputs, while the
 * towers run. At most {@code maxInFlight} batches per thread are in flight; a thread with a full
 * batch and none free waits for the oldest ({@link Batch#collect}). Results come back to the
 * stream thread in the order the batches started — so a content id updated twice gets its
 * embeddings in order — and the thread hands them to their tasks.
 *
 * <p>Exactly-once stays per task: each record also sits in its own task's changelogged buffer
 * store until its outputs have been forwarded by that same task, which deletes it in the same
 * transaction. Results for another task wait in that task's queue until the task runs again (its
 * next record or punctuation); a commit in between commits the record as still buffered, and a
 * crash or rebalance leaves it in the buffer store, so the restored task encodes it again. Under
 * exactly_once_v2 all tasks of a thread share one producer and one transaction.
 *
 * @param <T> what a pending item carries (the record and its decoded content)
 */
public final class ThreadBatches<T> {

    /** A task's processor: owns items and receives their results. */
    public interface Owner {
    }

    /** One buffered record of {@code owner}, waiting since {@code bufferedAtMs} (the processor's wall clock). */
    public record Pending<T>(Owner owner, T item, long bufferedAtMs) {
    }

    private final ThreadLocal<Batch<T>> perThread;

    /** @param maxInFlight batches a stream thread may have encoding at once (at least 1) */
    public ThreadBatches(int maxInFlight) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1");
        }
        perThread = ThreadLocal.withInitial(() -> new Batch<>(maxInFlight));
    }

    /** The calling stream thread's batch. */
    public Batch<T> current() {
        return perThread.get();
    }

    /**
     * One thread's pending items, in arrival order, and its batches in flight. Called by its
     * stream thread; synchronized only so that a task closed from elsewhere can remove its items.
     */
    public static final class Batch<T> {
        private final int maxInFlight;
        private final List<Pending<T>> items = new ArrayList<>();
        /** Batches being encoded, oldest first: each completes with the work that hands its results to their tasks. */
        private final ArrayDeque<CompletableFuture<Runnable>> inFlight = new ArrayDeque<>();
        /** No batch starts before this time: a failed batch's records wait for it, and so do the others. */
        private long heldUntilMs = Long.MIN_VALUE;

        Batch(int maxInFlight) {
            this.maxInFlight = maxInFlight;
        }

        public synchronized void add(Owner owner, T item, long nowMs) {
            items.add(new Pending<>(owner, item, nowMs));
        }

        public synchronized int size() {
            return items.size();
        }

        /** Starts no batch before {@code untilMs} (a back-off after a failed batch). */
        public synchronized void holdUntil(long untilMs) {
            heldUntilMs = Math.max(heldUntilMs, untilMs);
        }

        /** True while a back-off holds every batch back. */
        public synchronized boolean held(long nowMs) {
            return nowMs < heldUntilMs;
        }

        /** True when the oldest pending item has waited at least {@code lingerMs}. */
        public synchronized boolean ripe(long nowMs, long lingerMs) {
            return !items.isEmpty() && nowMs - items.get(0).bufferedAtMs() >= lingerMs;
        }

        /** Removes and returns everything pending. */
        public synchronized List<Pending<T>> takeAll() {
            return take(Integer.MAX_VALUE);
        }

        /**
         * Removes and returns the {@code max} oldest pending items (all, if fewer). A tower batch
         * takes at most the batch size: a restored buffer, or the tasks a rebalance piles on one
         * thread, can hold many batches' worth, and one batch of them all could outlast
         * max.poll.interval.ms.
         */
        public synchronized List<Pending<T>> take(int max) {
            List<Pending<T>> head = items.subList(0, Math.min(max, items.size()));
            List<Pending<T>> taken = new ArrayList<>(head);
            head.clear();
            return taken;
        }

        /**
         * Puts items back at the head of the pending items, in their order: a batch that could not
         * be encoded now is tried again first (its records are still in their buffer stores).
         */
        public synchronized void putBack(List<Pending<T>> back) {
            items.addAll(0, back);
        }

        /** Forgets a closed task's pending items: they stay in its buffer store, for whoever restores it. */
        public synchronized int remove(Owner owner) {
            int before = items.size();
            items.removeIf(p -> p.owner() == owner);
            return before - items.size();
        }

        /** Removes and returns {@code owner}'s pending items that {@code which} selects (a deleted id's records). */
        public synchronized List<Pending<T>> remove(Owner owner, Predicate<T> which) {
            List<Pending<T>> removed = new ArrayList<>();
            items.removeIf(p -> {
                if (p.owner() == owner && which.test(p.item())) {
                    removed.add(p);
                    return true;
                }
                return false;
            });
            return removed;
        }

        public synchronized int inFlight() {
            return inFlight.size();
        }

        /** True when another batch may start now. */
        public synchronized boolean canStart() {
            return inFlight.size() < maxInFlight;
        }

        /**
         * Encodes {@code batch} on {@code executor}; {@code job} returns what hands the results
         * to their tasks, run later on the stream thread by {@link #collect}.
         *
         * @throws IllegalStateException when {@code maxInFlight} batches are in flight (collect first)
         */
        public synchronized void start(List<Pending<T>> batch, Function<List<Pending<T>>, Runnable> job, Executor executor) {
            if (!canStart()) {
                throw new IllegalStateException(inFlight.size() + " batches in flight already");
            }
            inFlight.add(CompletableFuture.supplyAsync(() -> job.apply(batch), executor));
        }

        /**
         * Hands the results of the finished batches at the head of the queue to their tasks, in
         * start order; with {@code waitForOldest}, first waits for the oldest batch.
         *
         * @return how many batches were collected
         */
        public int collect(boolean waitForOldest) {
            int collected = 0;
            while (true) {
                CompletableFuture<Runnable> f;
                synchronized (this) {
                    f = inFlight.peek();
                    if (f == null || (!f.isDone() && !(waitForOldest && collected == 0))) {
                        return collected;
                    }
                    inFlight.poll();
                }
                Runnable deliver;
                try {
                    deliver = f.join();
                } catch (CompletionException e) {
                    // the job handles the model's failures itself; anything else is a bug worth stopping for
                    throw e.getCause() instanceof RuntimeException r ? r : e;
                }
                deliver.run();
                collected++;
            }
        }
    }
}
