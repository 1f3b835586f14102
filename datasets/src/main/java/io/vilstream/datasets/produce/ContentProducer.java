package io.vilstream.datasets.produce;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

import io.vilstream.datasets.events.ContentEvents;
import io.vilstream.datasets.item.EmojiItem;
import io.vilstream.schemas.avro.ContentEvent;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Publishes dataset items as content events (key = content id), optionally at a fixed rate,
 * the way a real producer would: idempotent, acks=all, each event stamped with the time it is
 * sent. {@code repeat} sends the selection again with the same ids (updates, as a producer
 * re-sending content does; the compacted topic keeps the latest).
 */
public final class ContentProducer {

    private final Producer<String, ContentEvent> producer;
    private final String topic;

    public ContentProducer(Producer<String, ContentEvent> producer, String topic) {
        this.producer = producer;
        this.topic = topic;
    }

    /**
     * Sends the items; returns how many were acknowledged.
     *
     * @param ratePerSecond 0 for as fast as possible
     * @param progress      called with the running count after each send
     */
    public long publish(List<EmojiItem> items, int repeat, double ratePerSecond, LongConsumer progress)
            throws InterruptedException {
        long sent = 0;
        long start = System.nanoTime();
        Future<RecordMetadata> last = null;
        for (int r = 0; r < repeat; r++) {
            for (EmojiItem item : items) {
                if (ratePerSecond > 0) {
                    long due = start + (long) (sent * 1e9 / ratePerSecond);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                }
                ContentEvent e = ContentEvents.from(item, Instant.now());
                last = producer.send(new ProducerRecord<>(topic, e.getId(), e));
                sent++;
                progress.accept(sent);
            }
        }
        producer.flush();
        if (last != null) {
            try {
                last.get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("the broker did not acknowledge the content events: " + e.getMessage(), e);
            }
        }
        return sent;
    }

    /** A producer configured the way content should be sent: idempotent, acks=all. */
    public static Producer<String, ContentEvent> kafkaProducer(java.util.Map<String, Object> clientProps,
                                                               org.apache.kafka.common.serialization.Serializer<ContentEvent> serializer) {
        java.util.Map<String, Object> p = new java.util.HashMap<>(clientProps);
        p.put("enable.idempotence", true);
        p.put("acks", "all");
        p.put("linger.ms", 5);
        // two 64×64 PNGs and a few captions: a few KB per event
        return new KafkaProducer<>(p, new org.apache.kafka.common.serialization.StringSerializer(), serializer);
    }
}
