package io.vilstream.cli.chaos;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import io.vilstream.datasets.produce.ContentProducer;
import io.vilstream.runtime.kafka.KafkaSettings;
import io.vilstream.schemas.avro.ContentEvent;
import io.vilstream.schemas.serde.AvroSerde;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends the content script at a steady rate through datasets' ContentProducer, on a producer
 * with short timeouts (the broker pause must make sends fail within seconds, as the brief of the
 * fault says). Deletes go on the same Kafka producer as tombstones, so they keep their order per
 * id with the content. A send the broker refused fails the producer's flush: the producer is
 * closed and opened again and the script goes on; whether the refused event landed (a timed-out
 * send may have) is for the check to find out from the topic, which is the ground truth.
 */
final class ChaosProducer implements Runnable {

    /** What the producer has done so far; the progress line and the summary read it. */
    record Counts(long sent, long acknowledged, long news, long updates, long sameAgain, long deletes, long malformed,
                  long failures) {
    }

    private final KafkaSettings settings;
    private final String topic;
    private final ContentScript script;
    private final double rate;
    private final Consumer<String> notices;
    private volatile boolean stopping;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong acknowledgedBefore = new AtomicLong();
    private final AtomicLong[] byKind = new AtomicLong[ContentScript.Kind.values().length];
    private final AtomicLong failures = new AtomicLong();
    private final AtomicReference<ContentProducer> current = new AtomicReference<>();

    ChaosProducer(KafkaSettings settings, String topic, ContentScript script, double rate, Consumer<String> notices) {
        this.settings = settings;
        this.topic = topic;
        this.script = script;
        this.rate = rate;
        this.notices = notices;
        for (int i = 0; i < byKind.length; i++) {
            byKind[i] = new AtomicLong();
        }
    }

    void stop() {
        stopping = true;
    }

    @Override
    public void run() {
        long start = System.nanoTime();
        long n = 0;
        while (!stopping) {
            Map<String, Object> props = ContentProducer.producerSettings(settings.common());
            // short enough that a paused broker fails sends within seconds (delivery > linger + request)
            props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
            props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 6000);
            props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 6000);
            Producer<String, ContentEvent> kafka = new KafkaProducer<>(props, new StringSerializer(),
                    AvroSerde.forValues(ContentEvent.class, settings.serdeConfig()).serializer());
            ContentProducer content = new ContentProducer(kafka, topic);
            current.set(content);
            try {
                long lastFlush = System.nanoTime();
                while (!stopping) {
                    long wait = start + (long) (n * 1e9 / rate) - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    ContentScript.Op op = script.next();
                    if (op.event() == null) {
                        kafka.send(new ProducerRecord<>(topic, op.id(), null));
                    } else {
                        content.send(op.event());
                    }
                    byKind[op.kind().ordinal()].incrementAndGet();
                    sent.incrementAndGet();
                    n++;
                    if (System.nanoTime() - lastFlush > TimeUnit.SECONDS.toNanos(1)) {
                        content.flush(); // fails with the first refused send
                        lastFlush = System.nanoTime();
                    }
                }
                content.flush();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopping = true;
            } catch (RuntimeException e) {
                failures.incrementAndGet();
                notices.accept("producer: " + e.getMessage() + "; opening a new producer");
            } finally {
                acknowledgedBefore.addAndGet(content.acknowledged());
                current.set(null);
                kafka.close(java.time.Duration.ofSeconds(10));
            }
        }
    }

    Counts counts() {
        ContentProducer c = current.get();
        long acked = acknowledgedBefore.get() + (c == null ? 0 : c.acknowledged());
        return new Counts(sent.get(), acked, kind(ContentScript.Kind.NEW), kind(ContentScript.Kind.UPDATE),
                kind(ContentScript.Kind.SAME_AGAIN), kind(ContentScript.Kind.DELETE), kind(ContentScript.Kind.MALFORMED),
                failures.get());
    }

    private long kind(ContentScript.Kind k) {
        return byKind[k.ordinal()].get();
    }
}
