package io.vilstream.encoder.models;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import io.vilstream.encoder.metrics.EncoderMetrics;
import io.vilstream.model.checkpoint.CheckpointException;
import io.vilstream.model.towers.DualEncoder;
import io.vilstream.modelstore.CheckpointUnavailableException;
import io.vilstream.modelstore.LoadBackoff;
import io.vilstream.schemas.avro.ModelVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link SwappableModel} on the served version: when the model topics announce a new
 * served version (a promotion or a rollback) it fetches the checkpoint, verifies it (sha256 of
 * the chunks, then the checkpoint's own digest and format), loads it off the stream threads,
 * and swaps it in between batches. A failed load keeps the current model, is logged and counted,
 * and is tried again with a bounded back-off for as long as the version is served: the follower
 * announces a version once, and its record can be read before all its chunks are (the
 * transaction's markers reach the chunk partitions one by one). A corrupt checkpoint is tried a
 * bounded number of times, then given up on (logged as such) until another version is served.
 * Whoever must act on a swap (the backfill) is told by {@code onSwapped}, whichever attempt made it.
 */
public final class FollowingModelSource implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FollowingModelSource.class);

    /** Fetches a version's verified checkpoint bytes (model-store in production, anything in tests). */
    @FunctionalInterface
    public interface CheckpointFetcher {
        byte[] fetch(ModelVersion version) throws CheckpointUnavailableException;
    }

    private final SwappableModel model;
    private final CheckpointFetcher fetcher;
    private final EncoderMetrics metrics;
    private final LoadBackoff backoff;
    private final Consumer<ModelVersion> onSwapped;
    private final ScheduledExecutorService loader = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "model-loader");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong requested = new AtomicLong(-1);

    public FollowingModelSource(SwappableModel model, CheckpointFetcher fetcher, EncoderMetrics metrics) {
        this(model, fetcher, metrics, LoadBackoff.Policy.defaults(), v -> { });
    }

    public FollowingModelSource(SwappableModel model, CheckpointFetcher fetcher, EncoderMetrics metrics,
                                LoadBackoff.Policy retry, Consumer<ModelVersion> onSwapped) {
        this.model = model;
        this.fetcher = fetcher;
        this.metrics = metrics;
        this.backoff = new LoadBackoff(retry);
        this.onSwapped = onSwapped;
    }

    public SwappableModel model() {
        return model;
    }

    /** Called when the served version changes; loads asynchronously. */
    public void onServedVersion(ModelVersion served) {
        requested.set(served.getVersion());
        loader.execute(() -> attempt(served));
    }

    /**
     * Loads synchronously (the follower's thread, start-up, tests); returns whether the swap
     * happened now. A failure is tried again in the background.
     */
    public boolean load(ModelVersion served) {
        requested.set(served.getVersion());
        return attempt(served);
    }

    private synchronized boolean attempt(ModelVersion served) {
        long version = served.getVersion();
        if (version != requested.get()) {
            return false; // a newer served version superseded this one
        }
        if (version == model.version()) {
            backoff.succeeded(version);
            return false;
        }
        if (!backoff.due(version, System.nanoTime())) {
            return false; // a retry is scheduled, or the version was given up on
        }
        long t0 = System.nanoTime();
        try {
            byte[] bytes = fetcher.fetch(served);
            DualEncoder next = DualEncoder.load(bytes);
            if (next.version() != version) {
                next.close();
                throw new CheckpointException(CheckpointException.Reason.INCOMPATIBLE, "checkpoint holds version "
                        + next.version() + " but was published as version " + version);
            }
            long from = model.version();
            model.swap(next);
            backoff.succeeded(version);
            metrics.modelSwapped(next.version());
            log.info("model {}: swapped version {} -> {} ({} bytes, loaded in {} ms)", served.getModelName(), from,
                    next.version(), served.getSizeBytes(), Duration.ofNanos(System.nanoTime() - t0).toMillis());
        } catch (CheckpointUnavailableException | CheckpointException | RuntimeException e) {
            failed(served, e);
            return false;
        }
        try {
            onSwapped.accept(served);
        } catch (RuntimeException e) {
            log.error("model {}: acting on the swap to version {} failed", served.getModelName(), version, e);
        }
        return true;
    }

    private void failed(ModelVersion served, Exception e) {
        metrics.modelLoadFailed();
        boolean corrupt = e instanceof CheckpointException
                || (e instanceof CheckpointUnavailableException u && u.corrupt());
        LoadBackoff.Next next = backoff.failed(served.getVersion(), corrupt, System.nanoTime());
        if (next.givenUp()) {
            metrics.modelLoadGivenUp();
            log.error("model {}: version {} is served but its checkpoint is corrupt ({} attempts, last: {}); keeping version {}"
                    + " until another version is served", served.getModelName(), served.getVersion(), next.failures(),
                    e.getMessage(), model.version());
            return;
        }
        log.warn("model {}: cannot load version {} (attempt {}): {}; keeping version {}, trying again in {} ms",
                served.getModelName(), served.getVersion(), next.failures(), e.getMessage(), model.version(),
                next.delay().toMillis());
        loader.schedule(() -> attempt(served), next.delay().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        loader.shutdownNow();
    }
}
