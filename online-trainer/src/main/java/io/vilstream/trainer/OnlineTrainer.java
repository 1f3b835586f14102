package io.vilstream.trainer;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vilstream.model.runtime.DjlRuntime;
import io.vilstream.runtime.http.HealthCheck;
import io.vilstream.runtime.http.OpsServer;
import io.vilstream.runtime.metrics.Metrics;
import io.vilstream.trainer.TrainerStatus.Phase;
import io.vilstream.trainer.batch.TrainedBatch;
import io.vilstream.trainer.config.TrainerConfig;
import io.vilstream.trainer.metrics.TrainerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The online trainer service: the training loop on its own thread, plus the ops endpoint
 * ({@code /metrics}, {@code /health}). One instance per model lineage; a second one with the
 * same model name fences the first (transactional id {@code vilstream-trainer-<model>}).
 *
 * <pre>{@code
 * try (OnlineTrainer trainer = new OnlineTrainer(new TrainerConfig(props)).start()) {
 *     trainer.awaitTermination(Duration.ofDays(365));
 * }
 * }</pre>
 */
public final class OnlineTrainer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OnlineTrainer.class);

    private final TrainerConfig config;
    private final PrometheusMeterRegistry registry;
    private final TrainingLoop loop;
    private final Thread thread;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private OpsServer ops;

    public OnlineTrainer(TrainerConfig config) {
        this(config, Metrics.newRegistry("trainer"), batch -> { });
    }

    /**
     * @param registry where the meters go (served at /metrics)
     * @param observer told of every trained batch, on the training thread (keep it quick)
     */
    public OnlineTrainer(TrainerConfig config, PrometheusMeterRegistry registry, Consumer<TrainedBatch> observer) {
        DjlRuntime.engine(); // offline flags set and the native library loaded before the loop needs it
        this.config = config;
        this.registry = registry;
        this.loop = new TrainingLoop(config, new TrainerMetrics(registry, config.retentionVersions()), observer);
        this.thread = new Thread(loop, "online-trainer-" + config.modelName());
    }

    /** Starts the ops endpoint and the training loop. */
    public OnlineTrainer start() throws IOException {
        ops = OpsServer.start(config.metricsHost(), config.metricsPort(), registry);
        ops.addHealthCheck("trainer", () -> {
            TrainerStatus s = loop.status();
            String detail = s.phase() + ", served v" + s.servedVersion() + ", step " + s.step()
                    + (s.failure() == null ? "" : ", " + s.failure());
            return s.phase() == Phase.FAILED || s.phase() == Phase.STOPPED || !thread.isAlive()
                    ? HealthCheck.Status.down(detail) : HealthCheck.Status.up(detail);
        });
        thread.start();
        log.info("online trainer for {} started; ops endpoint {}", config.modelName(), ops.url());
        return this;
    }

    public TrainerStatus status() {
        return loop.status();
    }

    /** The ops endpoint's port (useful with metrics.port=0). */
    public int opsPort() {
        return ops == null ? -1 : ops.port();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Waits for the loop to end (close, or a failure such as being fenced). */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        thread.join(Math.max(1, timeout.toMillis()));
        return !thread.isAlive();
    }

    /** Why the loop failed, if it did. */
    public Optional<String> failure() {
        return Optional.ofNullable(loop.status().failure());
    }

    /**
     * Asks the loop to stop and returns at once: it stops at the next step boundary (a step, or a
     * publication already begun, finishes; no gate evaluation begins after this), then closes
     * its clients. {@link #close} also waits for that.
     */
    public void requestStop() {
        loop.stop();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        loop.stop();
        try {
            // a step or a publication in progress finishes first
            thread.join(Duration.ofMinutes(2).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            log.warn("training loop did not stop within 2 minutes");
        }
        if (ops != null) {
            ops.close();
        }
    }
}
