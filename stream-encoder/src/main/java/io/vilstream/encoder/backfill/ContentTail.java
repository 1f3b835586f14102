package io.vilstream.encoder.backfill;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ids that have a content record (new content or a tombstone) at or after a backfill's
 * target, read as they arrive, while the backfill runs. Such an id is the live encoder's: it
 * embeds (or deletes) the newer record with the served version, so the backfill must not write
 * the id's older content at all. Without this, the two writers race on the same key: the chaos
 * run saw a backfill write an id's older content after the live encoder had written the newer
 * content (or the delete) with the same version, which a reader of the compacted topic keeps.
 * Keys only, one entry per id; read_committed, no group.
 */
final class ContentTail implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ContentTail.class);

    private final Set<String> ids = ConcurrentHashMap.newKeySet();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private volatile boolean running = true;

    private ContentTail(Map<String, Object> common, Map<TopicPartition, Long> from, String name) {
        Map<String, Object> p = new HashMap<>(common);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.assign(from.keySet());
        from.forEach(consumer::seek);
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
    }

    /** Starts reading the keys of every partition in {@code from} from its offset (the target). */
    static ContentTail start(Map<String, Object> common, Map<TopicPartition, Long> from, String name) {
        ContentTail tail = new ContentTail(common, from, name);
        tail.thread.start();
        return tail;
    }

    /** Whether {@code id} has a record at or after the target (as read so far). */
    boolean touched(String id) {
        return ids.contains(id);
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    if (r.key() != null) {
                        ids.add(new String(r.key(), StandardCharsets.UTF_8));
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            if (running) {
                log.warn("reading content after the backfill's target stopped ({}): ids updated since may get older content", e.toString());
            }
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
    }
}
