package io.vilstream.modelstore;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import io.vilstream.schemas.avro.ModelVersion;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows a model's versions topic on a background thread and tells a listener whenever the
 * served (promoted) version changes: once after catching up with the topic, then on every
 * promotion or rollback. Encoders hot-swap and the retriever starts backfills from this.
 * The listener runs on the follower's thread and should hand work off quickly.
 */
public final class ModelFollower implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ModelFollower.class);

    private final ModelStore store;
    private final String model;
    private final Consumer<ModelVersion> onServedChange;
    private final Thread thread;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final AtomicBoolean running = new AtomicBoolean(true);
    private volatile ModelRegistryState state;
    private volatile KafkaConsumer<String, ModelVersion> consumer;

    public ModelFollower(ModelStore store, String model, Consumer<ModelVersion> onServedChange) {
        this.store = store;
        this.model = model;
        this.onServedChange = onServedChange;
        this.state = new ModelRegistryState(model);
        this.thread = new Thread(this::run, "model-follower-" + model);
        this.thread.setDaemon(true);
    }

    public ModelFollower start() {
        thread.start();
        return this;
    }

    /** Waits until the topic has been read to the end once. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A snapshot of the versions seen so far. */
    public ModelRegistryState state() {
        return state.copy();
    }

    public Optional<ModelVersion> served() {
        return state.served();
    }

    private void run() {
        Long lastServed = null;
        boolean announced = false;
        try (KafkaConsumer<String, ModelVersion> c = store.consumer(ModelVersion.class)) {
            consumer = c;
            List<TopicPartition> parts = ModelStore.partitions(c, store.topics().versions());
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            ModelRegistryState working = new ModelRegistryState(model);
            while (running.get()) {
                boolean changed = false;
                for (ConsumerRecord<String, ModelVersion> r : c.poll(Duration.ofMillis(250))) {
                    working.apply(r.key(), r.value());
                    changed = true;
                }
                if (changed) {
                    state = working.copy();
                }
                boolean atEnd = announced || parts.stream().allMatch(p -> c.position(p) >= end.get(p));
                if (!atEnd) {
                    continue;
                }
                Optional<ModelVersion> served = state.served();
                Long now = served.map(ModelVersion::getVersion).orElse(null);
                if (!announced || !java.util.Objects.equals(now, lastServed)) {
                    lastServed = now;
                    announced = true;
                    caughtUp.countDown();
                    served.ifPresent(v -> {
                        try {
                            onServedChange.accept(v);
                        } catch (RuntimeException e) {
                            log.error("listener failed on served version {}", v.getVersion(), e);
                        }
                    });
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            log.error("model follower for {} stopped", model, e);
        } finally {
            caughtUp.countDown();
        }
    }

    @Override
    public void close() {
        running.set(false);
        KafkaConsumer<String, ModelVersion> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
