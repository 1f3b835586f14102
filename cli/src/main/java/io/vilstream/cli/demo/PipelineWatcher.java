package io.vilstream.cli.demo;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.vilstream.runtime.kafka.KafkaSettings;
import io.vilstream.schemas.avro.Embedding;
import io.vilstream.schemas.serde.AvroSerde;
import io.vilstream.schemas.topics.TopicSet;
import io.vilstream.schemas.topics.VilstreamTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Watches what the pipeline emits during a demo run, as a downstream service would
 * ({@code read_committed}): which content ids got an image and a text embedding, how many
 * records went to the DLQ, and whether any (content, modality, version) came twice — the
 * exactly-once check. Starts at the topics' end, so a reused data directory's history does not
 * count.
 */
final class PipelineWatcher implements AutoCloseable {

    private final Thread thread;
    private final Set<String> imageIds = ConcurrentHashMap.newKeySet();
    private final Set<String> textIds = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> seen = new ConcurrentHashMap<>();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong dlq = new AtomicLong();
    private final AtomicLong outputs = new AtomicLong();
    private volatile long newestVersion;
    private volatile boolean running = true;

    PipelineWatcher(KafkaSettings settings, TopicSet topics) {
        String image = topics.name(VilstreamTopic.EMBEDDINGS_IMAGE);
        String text = topics.name(VilstreamTopic.EMBEDDINGS_TEXT);
        String dlqTopic = topics.name(VilstreamTopic.CONTENT_DLQ);
        Map<String, Object> p = settings.common();
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        var embeddings = AvroSerde.forValues(Embedding.class, settings.serdeConfig()).deserializer();
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> parts = new java.util.ArrayList<>();
        for (String t : List.of(image, text, dlqTopic)) {
            consumer.partitionsFor(t).forEach(i -> parts.add(new TopicPartition(t, i.partition())));
        }
        consumer.assign(parts);
        consumer.seekToEnd(parts);
        parts.forEach(consumer::position); // fix the start now, before anything is produced
        thread = new Thread(() -> {
            try (consumer) {
                while (running) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        if (r.topic().equals(dlqTopic)) {
                            dlq.incrementAndGet();
                            continue;
                        }
                        Embedding e = embeddings.deserialize(r.topic(), r.value());
                        boolean isImage = r.topic().equals(image);
                        (isImage ? imageIds : textIds).add(r.key());
                        newestVersion = Math.max(newestVersion, e.getModelVersion());
                        outputs.incrementAndGet();
                        if (seen.merge(r.key() + (isImage ? "/image@" : "/text@") + e.getModelVersion(), 1, Integer::sum) > 1) {
                            duplicates.incrementAndGet();
                        }
                    }
                }
            }
        }, "demo-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    /** Content ids of this run with both an image and a text embedding. */
    long embedded() {
        return imageIds.stream().filter(textIds::contains).count();
    }

    long dlq() {
        return dlq.get();
    }

    long duplicates() {
        return duplicates.get();
    }

    long outputs() {
        return outputs.get();
    }

    long newestVersion() {
        return newestVersion;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
    }
}
