package io.vilstream.runtime.http;

import java.io.IOException;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Deadlines for the blocking I/O of a {@link GuardedHttpServer}'s exchanges. The JDK server
 * reads request headers and bodies and writes responses with blocking {@code SocketChannel}
 * calls on the thread that runs the exchange, with no timeout of its own (its
 * {@code sun.net.httpserver.maxReqTime} is JVM-wide, read once when the first server starts, in
 * whole seconds, and the same for every server in the JVM). Here each thread of the server's
 * pools marks the phase it waits in ({@link Phase}); a ticker interrupts a thread whose phase
 * outlived its timeout, and an interrupted channel call closes the channel
 * ({@link java.nio.channels.ClosedByInterruptException}): the stalled client loses its
 * connection and the thread is free. Handler work between phases (a search, a Kafka call) has
 * no deadline and is never interrupted.
 *
 * <p>An interrupt is only sent while its thread is still in the phase that expired (both under
 * the watch's lock), and a thread leaving a phase clears an interrupt that arrived too late to
 * matter, so no interrupt leaks into handler code or the next task of a pooled thread.
 */
public final class ExchangeWatchdog implements AutoCloseable {

    /** What an exchange's thread is blocked on; each has its own timeout in {@link ServerLimits}. */
    public enum Phase { HEADERS, BODY, RESPONSE }

    /** One step of blocking I/O on the exchange. */
    @FunctionalInterface
    public interface IoStep<T> {
        T run() throws IOException;
    }

    private static final ThreadLocal<Watch> CURRENT = new ThreadLocal<>();

    private final ServerLimits limits;
    private final Set<Watch> active = ConcurrentHashMap.newKeySet();
    private final Map<Phase, LongAdder> expired = new EnumMap<>(Phase.class);
    private final ScheduledExecutorService ticker;

    ExchangeWatchdog(String name, ServerLimits limits) {
        this.limits = limits;
        for (Phase p : Phase.values()) {
            expired.put(p, new LongAdder());
        }
        long shortest = Math.min(limits.headerTimeout().toMillis(),
                Math.min(limits.bodyTimeout().toMillis(), limits.responseTimeout().toMillis()));
        // a deadline is kept to within a fifth of the shortest timeout, and at most 250 ms late
        long tick = Math.max(10, Math.min(250, shortest / 5));
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name + "-watchdog");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(this::expireOverdue, tick, tick, TimeUnit.MILLISECONDS);
    }

    /**
     * Wraps a task of the server's pools so that its thread is watched while it runs.
     *
     * @param first   the phase it starts in (the JDK's exchange task reads headers first), or null
     *                for a handler task that starts with work
     * @param arrival {@link System#nanoTime()} when the request's headers were read, for a handler
     *                task (0 for none): its body deadline counts from there, so an exchange that
     *                waited in the queue past its body deadline is closed at once instead of
     *                holding a worker for another full timeout
     */
    Runnable watched(Runnable task, Phase first, long arrival) {
        return () -> {
            Watch w = new Watch(Thread.currentThread(), arrival);
            if (first != null) {
                w.enter(first);
            }
            active.add(w);
            CURRENT.set(w);
            try {
                task.run();
            } finally {
                w.finish();
                active.remove(w);
                CURRENT.remove();
            }
        };
    }

    /**
     * Runs a step of blocking I/O of the current exchange under the phase's deadline. Outside a
     * watched thread (a handler called directly, in a test) it just runs the step.
     *
     * @throws ExchangeTimeoutException when the deadline passed and the connection was closed
     */
    public static <T> T during(Phase phase, IoStep<T> step) throws IOException {
        Watch w = CURRENT.get();
        if (w == null) {
            return step.run();
        }
        Watch.State before = w.enter(phase);
        try {
            return step.run();
        } catch (IOException e) {
            if (w.hasExpired()) {
                throw new ExchangeTimeoutException(phase, w.owner().limits.timeout(phase), e);
            }
            throw e;
        } finally {
            w.restore(before);
        }
    }

    /** The request's headers were read and its handler starts: handler work has no deadline. */
    static void headersRead() {
        Watch w = CURRENT.get();
        if (w != null) {
            w.restore(Watch.State.WORKING);
        }
    }

    /** Connections closed so far because the phase outlived its timeout. */
    public long timedOut(Phase phase) {
        return expired.get(phase).sum();
    }

    private void expireOverdue() {
        long now = System.nanoTime();
        for (Watch w : active) {
            w.expireIfDue(now);
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }

    /** One pooled thread running one task: the phase it is in and when that phase must end. */
    private final class Watch {
        /** A phase and its deadline, to restore when a nested step ends. */
        record State(Phase phase, long deadline) {
            static final State WORKING = new State(null, 0);
        }

        private final Thread thread;
        private final long arrival;
        private Phase phase;
        private long deadline;
        private boolean expired;
        private boolean finished;

        Watch(Thread thread, long arrival) {
            this.thread = thread;
            this.arrival = arrival;
        }

        ExchangeWatchdog owner() {
            return ExchangeWatchdog.this;
        }

        synchronized State enter(Phase p) {
            State before = new State(phase, deadline);
            long now = System.nanoTime();
            phase = p;
            deadline = (p == Phase.BODY && arrival != 0 ? arrival : now) + limits.timeout(p).toNanos();
            // already too late: the step's first channel call fails at once and closes the channel
            expireIfDue(now);
            return before;
        }

        synchronized void restore(State s) {
            phase = s.phase();
            deadline = s.deadline();
            if (expired) {
                // the step is over: whatever the interrupt did, it must not reach the code that follows
                expired = false;
                Thread.interrupted();
            }
        }

        synchronized boolean hasExpired() {
            return expired;
        }

        synchronized void expireIfDue(long now) {
            if (finished || expired || phase == null || now - deadline < 0) {
                return;
            }
            expired = true;
            ExchangeWatchdog.this.expired.get(phase).increment();
            thread.interrupt();
        }

        synchronized void finish() {
            finished = true;
            if (expired) {
                expired = false;
                Thread.interrupted();
            }
        }
    }
}
