package io.vilstream.trainer.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.vilstream.datasets.split.Split;
import io.vilstream.schemas.avro.HardNegatives;
import io.vilstream.trainer.config.TrainerConfig;
import io.vilstream.trainer.metrics.TrainerMetrics;
import io.vilstream.trainer.negatives.HardNegativeQueue;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer's input side: one consumer over the content and hard-negative topics, used only by
 * the loop thread. At open it reads the committed offsets and re-reads the compacted content topic
 * from its beginning (records below the committed offsets rebuild replay, cache and validation
 * set; from there on they are new) and notes where that catch-up ends. Each poll routes content
 * records ({@link ContentRouter}) and queues the hard negatives of train anchors; a full fresh
 * queue pauses the content partitions so that the topic, not the heap, buffers a backlog.
 */
public final class TrainerInput implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TrainerInput.class);

    private final TrainerConfig config;
    private final TrainerMetrics metrics;
    private final ContentRouter router;
    private final OffsetTracker offsets;
    private final FreshQueue fresh;
    private final HardNegativeQueue hardNegatives;
    private final Deserializer<HardNegatives> hardNegativeDeserializer;

    private volatile KafkaConsumer<String, byte[]> consumer;
    private List<TopicPartition> contentPartitions = List.of();
    private final Map<TopicPartition, Long> startOffsets = new HashMap<>();
    private Map<TopicPartition, Long> catchUpEnd = Map.of();
    private boolean caughtUp;
    private boolean paused;

    public TrainerInput(TrainerConfig config, TrainerMetrics metrics, ContentRouter router, OffsetTracker offsets,
                        FreshQueue fresh, HardNegativeQueue hardNegatives, Deserializer<HardNegatives> hardNegativeDeserializer) {
        this.config = config;
        this.metrics = metrics;
        this.router = router;
        this.offsets = offsets;
        this.fresh = fresh;
        this.hardNegatives = hardNegatives;
        this.hardNegativeDeserializer = hardNegativeDeserializer;
    }

    /** Assigns every input partition and positions it: content from its beginning, hard negatives from the commit. */
    public void open() {
        KafkaConsumer<String, byte[]> c = newConsumer();
        consumer = c;
        contentPartitions = partitions(c, config.contentTopic());
        List<TopicPartition> negativePartitions = partitions(c, config.hardNegativesTopic());
        List<TopicPartition> all = new ArrayList<>(contentPartitions);
        all.addAll(negativePartitions);
        c.assign(all);
        Map<TopicPartition, OffsetAndMetadata> committed = c.committed(new HashSet<>(all), config.storeTimeout());
        for (TopicPartition tp : all) {
            OffsetAndMetadata m = committed.get(tp);
            long start = m == null ? 0 : m.offset();
            startOffsets.put(tp, start);
            offsets.startedAt(tp, start);
            if (negativePartitions.contains(tp) && m != null) {
                c.seek(tp, start);
            }
        }
        // the whole compacted content topic is re-read: what lies below the committed offsets
        // rebuilds replay, cache and validation set without counting as new
        c.seekToBeginning(contentPartitions);
        c.seekToBeginning(negativePartitions.stream().filter(tp -> committed.get(tp) == null).toList());
        catchUpEnd = c.endOffsets(contentPartitions, config.storeTimeout());
    }

    /** Where consumption resumed (the committed offsets) and where the re-read of the content topic ends, for the log. */
    public String describePositions() {
        return startOffsets + " (re-reading up to " + catchUpEnd + ")";
    }

    /**
     * Polls once, routes what came, and applies backpressure.
     *
     * @param timeout how long to block when nothing is there (zero while the loop has work)
     */
    public void poll(Duration timeout) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(timeout)) {
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            if (r.topic().equals(config.contentTopic())) {
                ContentRouter.Outcome o = router.route(r, r.offset() >= startOffsets.getOrDefault(tp, 0L));
                metrics.content(o.name().toLowerCase(Locale.ROOT));
            } else {
                queueHardNegatives(tp, r);
            }
        }
        applyBackpressure();
        if (!caughtUp) {
            caughtUp = paused || contentPartitions.stream().allMatch(tp -> consumer.position(tp) >= catchUpEnd.getOrDefault(tp, 0L));
        }
    }

    /** Whether the content topic has been re-read up to where it stood at open (or backpressure stopped the re-read). */
    public boolean caughtUp() {
        return caughtUp;
    }

    /** The input offsets a publication may commit. */
    public Map<TopicPartition, OffsetAndMetadata> committable() {
        return offsets.committable();
    }

    public ConsumerGroupMetadata groupMetadata() {
        return consumer.groupMetadata();
    }

    /** Interrupts a blocking poll from another thread (the loop then stops). */
    public void wakeup() {
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    private void queueHardNegatives(TopicPartition tp, ConsumerRecord<String, byte[]> r) {
        offsets.consumed(tp, r.offset());
        if (r.value() == null) {
            return;
        }
        try {
            HardNegatives h = hardNegativeDeserializer.deserialize(r.topic(), r.value());
            // negatives of a held-out anchor would train on held-out data
            if (Split.of(h.getAnchorId()) == Split.TRAIN) {
                hardNegatives.add(h);
            }
        } catch (RuntimeException e) {
            log.debug("skipping hard-negative record {}@{}: {}", tp, r.offset(), e.toString());
        }
    }

    /** A full fresh queue pauses the content partitions: the topic, not the heap, buffers a backlog. */
    private void applyBackpressure() {
        boolean full = fresh.size() >= config.freshQueueSize();
        if (full && !paused) {
            consumer.pause(contentPartitions);
            paused = true;
        } else if (!full && paused) {
            consumer.resume(contentPartitions);
            paused = false;
        }
    }

    private KafkaConsumer<String, byte[]> newConsumer() {
        Map<String, Object> p = config.kafkaSettings().common();
        // offsets live under the trainer's group but are committed only inside publication transactions
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.instanceId());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // never learn from records of aborted producer transactions
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // each content record is decoded on the loop thread: keep the work between steps small
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 128);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, config.instanceId() + "-input");
        return new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private List<TopicPartition> partitions(KafkaConsumer<String, byte[]> c, String topic) {
        List<PartitionInfo> infos = c.partitionsFor(topic, config.storeTimeout());
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " does not exist (create the topics first: vilstream topics create)");
        }
        return infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
    }

    @Override
    public void close() {
        KafkaConsumer<String, byte[]> c = consumer;
        consumer = null; // wakeup() must not wake a closed consumer
        if (c != null) {
            c.close();
        }
    }
}
