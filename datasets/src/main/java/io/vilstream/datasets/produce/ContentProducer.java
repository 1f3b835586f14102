package io.vilstream.datasets.produce;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import java.util.function.LongFunction;

import io.vilstream.datasets.events.ContentEvents;
import io.vilstream.datasets.item.EmojiItem;
import io.vilstream.schemas.avro.ContentEvent;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The one place content events are produced from (the produce command, the demo, the
 * benchmarks): the producer's settings, key = content id, optionally a fixed rate, each event
 * made when it is sent so its event time is its production time, and a count of the records the
 * broker acknowledged. {@code repeat} sends a selection again with the same ids (updates, as a
 * producer re-sending content does; the compacted topic keeps the latest).
 */
public final class ContentProducer implements AutoCloseable {

    private final Producer<String, ContentEvent> producer;
    private final String topic;
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    public ContentProducer(Producer<String, ContentEvent> producer, String topic) {
        this.producer = producer;
        this.topic = topic;
    }

    /** A producer with {@link #producerSettings} on the given client settings (bootstrap, security). */
    public static ContentProducer open(Map<String, Object> clientProps, Serializer<ContentEvent> serializer, String topic) {
        return new ContentProducer(new KafkaProducer<>(producerSettings(clientProps), new StringSerializer(), serializer), topic);
    }

    /**
     * The client settings plus how content is sent. acks=all: an event counts as produced only
     * once every in-sync replica has it, so no acknowledged content is lost with a leader.
     * Idempotence: a send the client retries (a timed-out acknowledgement) is written once, in
     * order per partition, so an event never reaches the encoders twice nor after a later
     * update of the same id. linger.ms=5: at a few KB per event (two 64×64 PNGs and captions),
     * waiting 5 ms fills requests with several events instead of one, for a delay far below
     * the encoders' batching.
     */
    public static Map<String, Object> producerSettings(Map<String, Object> clientProps) {
        Map<String, Object> p = new HashMap<>(clientProps);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        return p;
    }

    /** Sends one event (key = its id); it counts in {@link #acknowledged} once the broker has it. */
    public void send(ContentEvent event) {
        producer.send(new ProducerRecord<>(topic, event.getId(), event), (meta, error) -> {
            if (error == null) {
                acknowledged.incrementAndGet();
            } else {
                failure.compareAndSet(null, error);
            }
        });
    }

    /** Sends an item as a content event stamped now. */
    public void send(EmojiItem item) {
        send(ContentEvents.from(item, Instant.now()));
    }

    /**
     * Sends {@code n} events, the i-th made by {@code event} when it is due, at
     * {@code ratePerSecond} (0: as fast as possible), until {@code n} are sent or {@code stop}
     * says so; then flushes. Returns how many were sent.
     */
    public long publish(long n, double ratePerSecond, BooleanSupplier stop, LongFunction<ContentEvent> event)
            throws InterruptedException {
        return publish(n, ratePerSecond, stop, event, sent -> { });
    }

    private long publish(long n, double ratePerSecond, BooleanSupplier stop, LongFunction<ContentEvent> event,
                         LongConsumer progress) throws InterruptedException {
        long start = System.nanoTime();
        long sent = 0;
        while (sent < n && !stop.getAsBoolean()) {
            if (ratePerSecond > 0) {
                long wait = start + (long) (sent * 1e9 / ratePerSecond) - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
            send(event.apply(sent));
            sent++;
            progress.accept(sent);
        }
        flush();
        return sent;
    }

    /**
     * Sends the items {@code repeat} times at {@code ratePerSecond} (0: as fast as possible);
     * returns how many were sent, all acknowledged.
     *
     * @param progress called with the running count after each send
     */
    public long publish(List<EmojiItem> items, int repeat, double ratePerSecond, LongConsumer progress)
            throws InterruptedException {
        if (items.isEmpty()) {
            return 0;
        }
        return publish((long) items.size() * repeat, ratePerSecond, () -> false,
                i -> ContentEvents.from(items.get((int) (i % items.size())), Instant.now()), progress);
    }

    /** Waits for every send so far; fails with the first send the broker did not take. */
    public void flush() {
        producer.flush();
        Exception e = failure.get();
        if (e != null) {
            throw new IllegalStateException("the broker did not acknowledge the content events: " + e.getMessage(), e);
        }
    }

    /** Records the broker acknowledged so far. */
    public long acknowledged() {
        return acknowledged.get();
    }

    @Override
    public void close() {
        producer.close();
    }
}
