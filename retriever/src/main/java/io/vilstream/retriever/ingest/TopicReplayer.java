package io.vilstream.retriever.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.vilstream.runtime.kafka.KafkaSettings;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads topics from their beginning on a background thread and keeps following them: the
 * retriever's state is rebuilt from the compacted topics on every start, so there is no
 * consumer group and no committed offset. Tells when it has reached the end offsets the topics
 * had when it started (caught up), and can be asked to {@link #rewind()} (re-read everything,
 * e.g. to rebuild a dropped version's index). Values arrive as bytes: the handler decodes per
 * topic, so one bad record is skipped, never fatal.
 */
public final class TopicReplayer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TopicReplayer.class);

    /** Handles one polled batch; runs on the replayer's thread. */
    @FunctionalInterface
    public interface BatchHandler {
        void handle(ConsumerRecords<String, byte[]> records);
    }

    private final KafkaSettings settings;
    private final List<String> topics;
    private final BatchHandler handler;
    private final Runnable onCaughtUp;
    private final Thread thread;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicBoolean rewindRequested = new AtomicBoolean();
    private final AtomicLong records = new AtomicLong();
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile long lag = -1;
    private volatile Throwable failure;

    public TopicReplayer(String name, KafkaSettings settings, List<String> topics, BatchHandler handler, Runnable onCaughtUp) {
        this.settings = settings;
        this.topics = List.copyOf(topics);
        this.handler = handler;
        this.onCaughtUp = onCaughtUp;
        this.thread = new Thread(this::run, "retriever-" + name);
        this.thread.setDaemon(true);
    }

    public TopicReplayer start() {
        thread.start();
        return this;
    }

    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean isCaughtUp() {
        return caughtUp.getCount() == 0;
    }

    public long recordsRead() {
        return records.get();
    }

    /** Why the thread stopped, if it did. */
    public Throwable failure() {
        return failure;
    }

    /**
     * Records not yet read, summed over the partitions: what the last fetches reported
     * (read_committed: up to the last stable offset), no request of its own; -1 before any
     * partition's is known.
     */
    public long lag() {
        return lag;
    }

    private static long lagOf(KafkaConsumer<?, ?> c, List<TopicPartition> parts) {
        long sum = -1;
        for (TopicPartition tp : parts) {
            java.util.OptionalLong l = c.currentLag(tp);
            if (l.isPresent()) {
                sum = Math.max(sum, 0) + l.getAsLong();
            }
        }
        return sum;
    }

    /** Re-reads every topic from its beginning (from the next poll on). */
    public void rewind() {
        rewindRequested.set(true);
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    private void run() {
        Map<String, Object> p = settings.common();
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"); // encoders write with exactly-once
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer = c;
            List<TopicPartition> parts = partitions(c);
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            while (running.get()) {
                if (rewindRequested.getAndSet(false)) {
                    log.info("re-reading {} from the beginning", topics);
                    c.seekToBeginning(parts);
                }
                ConsumerRecords<String, byte[]> batch;
                try {
                    batch = c.poll(Duration.ofMillis(250));
                } catch (WakeupException e) {
                    continue; // a rewind or close: the loop decides
                }
                if (!batch.isEmpty()) {
                    records.addAndGet(batch.count());
                    handler.handle(batch);
                }
                lag = lagOf(c, parts);
                if (caughtUp.getCount() > 0 && parts.stream().allMatch(tp -> c.position(tp) >= end.get(tp))) {
                    log.info("caught up with {} ({} records)", topics, records.get());
                    onCaughtUp.run();
                    caughtUp.countDown();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            failure = e;
            log.error("reading {} stopped", topics, e);
        }
    }

    private List<TopicPartition> partitions(KafkaConsumer<String, byte[]> c) {
        List<TopicPartition> out = new ArrayList<>();
        for (String topic : topics) {
            List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " does not exist (create the topics first: vilstream topics create)");
            }
            infos.forEach(i -> out.add(new TopicPartition(topic, i.partition())));
        }
        return out;
    }

    @Override
    public void close() {
        running.set(false);
        KafkaConsumer<String, byte[]> c = consumer;
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
