package io.vilstream.retriever.versions;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The switching thread: reads the promoted version, then lets {@link VersionedIndexes} apply the
 * serving policy, whenever it is nudged (a batch was ingested, the promoted version changed)
 * and at least every {@code period}. Loading a version's towers (a checkpoint fetch) happens
 * here, never on the ingesting thread or a query thread.
 */
public final class VersionSwitcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(VersionSwitcher.class);

    private final VersionedIndexes versions;
    private final LongSupplier promoted;
    private final Duration period;
    private final Thread thread;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition nudged = lock.newCondition();
    private boolean pending;
    private volatile boolean running = true;

    /** @param promoted the served version of the model topics (0 when none is promoted) */
    public VersionSwitcher(VersionedIndexes versions, LongSupplier promoted, Duration period) {
        this.versions = versions;
        this.promoted = promoted;
        this.period = period;
        this.thread = new Thread(this::run, "retriever-switcher");
        this.thread.setDaemon(true);
    }

    public VersionSwitcher start() {
        thread.start();
        return this;
    }

    /** Asks for an evaluation soon. */
    public void nudge() {
        lock.lock();
        try {
            pending = true;
            nudged.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (running) {
            try {
                versions.target(promoted.getAsLong());
                versions.evaluate();
                lock.lock();
                try {
                    if (!pending && running) {
                        nudged.await(period.toMillis(), TimeUnit.MILLISECONDS);
                    }
                    pending = false;
                } finally {
                    lock.unlock();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.error("version switch evaluation failed; retrying", e);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
