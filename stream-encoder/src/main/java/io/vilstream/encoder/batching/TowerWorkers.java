package io.vilstream.encoder.batching;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.vilstream.model.runtime.DjlRuntime;

/**
 * The threads that run the towers for an encoder instance (its live topology and its backfills):
 * {@code workers} batches encode at once, each with {@code threadsEach} libtorch intra-op
 * threads. On CPUs, several one-thread workers encode more than one worker with every core
 * (measured on two cores: docs/BENCHMARKS.md, encoder), and the stream threads prepare the next
 * batches meanwhile ({@link ThreadBatches}).
 */
public final class TowerWorkers implements Executor, AutoCloseable {

    private final ExecutorService pool;
    private final int workers;
    private final int threadsEach;

    private TowerWorkers(int workers, int threadsEach) {
        this.workers = workers;
        this.threadsEach = threadsEach;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(() -> {
                DjlRuntime.intraOpThreads(threadsEach);
                r.run();
            }, "vilstream-towers-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * @param workers     batches encoded at once; 0 = one per core divided by {@code threadsEach}
     * @param threadsEach intra-op threads per worker; 0 = libtorch's default (every core)
     */
    public static TowerWorkers start(int workers, int threadsEach) {
        int cores = Runtime.getRuntime().availableProcessors();
        int resolved = workers > 0 ? workers : threadsEach == 0 ? 1 : Math.max(1, cores / threadsEach);
        return new TowerWorkers(resolved, threadsEach);
    }

    public int workers() {
        return workers;
    }

    public int threadsEach() {
        return threadsEach;
    }

    @Override
    public void execute(Runnable command) {
        pool.execute(command);
    }

    /** Stops taking batches; waits briefly for those running (their results are no longer collected). */
    @Override
    public void close() {
        pool.shutdown();
        try {
            pool.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
