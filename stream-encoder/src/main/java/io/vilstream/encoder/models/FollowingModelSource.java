package io.vilstream.encoder.models;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import io.vilstream.encoder.metrics.EncoderMetrics;
import io.vilstream.model.checkpoint.CheckpointException;
import io.vilstream.model.towers.DualEncoder;
import io.vilstream.modelstore.CheckpointUnavailableException;
import io.vilstream.schemas.avro.ModelVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link SwappableModel} on the served version: when the model topics announce a new
 * served version (a promotion or a rollback) it fetches the checkpoint, verifies it (sha256 of
 * the chunks, then the checkpoint's own digest and format), loads it off the stream threads,
 * and swaps it in between batches. A failed or corrupt load keeps the current model, is
 * logged, and counted.
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
    private final ExecutorService loader = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "model-loader");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong requested = new AtomicLong(-1);

    public FollowingModelSource(SwappableModel model, CheckpointFetcher fetcher, EncoderMetrics metrics) {
        this.model = model;
        this.fetcher = fetcher;
        this.metrics = metrics;
    }

    public SwappableModel model() {
        return model;
    }

    /** Called when the served version changes; loads asynchronously. */
    public void onServedVersion(ModelVersion served) {
        requested.set(served.getVersion());
        loader.execute(() -> load(served));
    }

    /** Loads synchronously (start-up, tests); returns whether the swap happened. */
    public boolean load(ModelVersion served) {
        if (served.getVersion() != requested.get() && requested.get() >= 0) {
            return false; // a newer request superseded this one while it waited
        }
        if (served.getVersion() == model.version()) {
            return false;
        }
        long t0 = System.nanoTime();
        try {
            byte[] bytes = fetcher.fetch(served);
            DualEncoder next = DualEncoder.load(bytes);
            if (next.version() != served.getVersion()) {
                next.close();
                throw new CheckpointException(CheckpointException.Reason.INCOMPATIBLE, "checkpoint holds version "
                        + next.version() + " but was published as version " + served.getVersion());
            }
            long from = model.version();
            model.swap(next);
            metrics.modelSwapped(next.version());
            log.info("model {}: swapped version {} -> {} ({} bytes, loaded in {} ms)", served.getModelName(), from,
                    next.version(), served.getSizeBytes(), Duration.ofNanos(System.nanoTime() - t0).toMillis());
            return true;
        } catch (CheckpointUnavailableException | CheckpointException | RuntimeException e) {
            metrics.modelLoadFailed();
            log.error("model {}: cannot load version {}; keeping version {}: {}", served.getModelName(),
                    served.getVersion(), model.version(), e.getMessage());
            return false;
        }
    }

    @Override
    public void close() {
        loader.shutdownNow();
    }
}
