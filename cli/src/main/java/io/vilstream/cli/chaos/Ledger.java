package io.vilstream.cli.chaos;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import io.vilstream.runtime.kafka.KafkaSettings;
import io.vilstream.schemas.avro.Caption;
import io.vilstream.schemas.avro.ContentEvent;
import io.vilstream.schemas.avro.Embedding;
import io.vilstream.schemas.avro.ImageRendition;
import io.vilstream.schemas.serde.AvroDeserializer;
import io.vilstream.schemas.serde.AvroSerde;
import io.vilstream.schemas.topics.DlqFailure;
import io.vilstream.schemas.topics.DlqHeaders;
import io.vilstream.schemas.topics.TopicSet;
import io.vilstream.schemas.topics.VilstreamTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The check's own reading of the topics, independent of every service: a {@code read_committed}
 * consumer without a group, from the beginning of the content, embedding, tag and DLQ topics.
 * It keeps what the checks need of each record (never vectors or images): for content the
 * event time and a sha256 of what was produced (captions, tags, image bytes; not the event
 * time), so two sends of the same content have the same hash.
 */
final class Ledger implements AutoCloseable {

    /** A content record; {@code hash} null for a tombstone. */
    record Content(int partition, long offset, String id, long eventTime, String hash) {
        boolean tombstone() {
            return hash == null;
        }
    }

    /** An embedding or tags record; {@code version} -1 for a tombstone (tags records: 0 otherwise). */
    record Output(VilstreamTopic topic, int partition, long offset, String id, long version, long eventTime) {
        boolean tombstone() {
            return version < 0;
        }
    }

    /** A DLQ record: the content record it names and its reason (the message's first word). */
    record Dead(String id, int sourcePartition, long sourceOffset, String reason) {
    }

    /** What was read so far, copied. */
    record Snapshot(List<Content> content, List<Output> outputs, List<Dead> dlq) {
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final TopicSet topics;
    private final AvroDeserializer<ContentEvent> contentSerde;
    private final AvroDeserializer<Embedding> embeddingSerde;
    private final List<Content> content = new ArrayList<>();
    private final List<Output> outputs = new ArrayList<>();
    private final List<Dead> dlq = new ArrayList<>();
    private final List<TopicPartition> partitions = new ArrayList<>();

    Ledger(KafkaSettings settings, TopicSet topics) {
        this.topics = topics;
        Map<String, Object> p = settings.common();
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        this.contentSerde = AvroSerde.forValues(ContentEvent.class, settings.serdeConfig()).deserializer();
        this.embeddingSerde = AvroSerde.forValues(Embedding.class, settings.serdeConfig()).deserializer();
        for (VilstreamTopic t : List.of(VilstreamTopic.CONTENT, VilstreamTopic.EMBEDDINGS_IMAGE, VilstreamTopic.EMBEDDINGS_TEXT,
                VilstreamTopic.TAGS, VilstreamTopic.CONTENT_DLQ)) {
            String name = topics.name(t);
            consumer.partitionsFor(name, Duration.ofSeconds(60))
                    .forEach(i -> partitions.add(new TopicPartition(name, i.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /**
     * Reads until every partition's position reaches its end as read_committed sees it (the
     * last stable offset: open transactions hold it back), or the timeout; false on timeout.
     */
    boolean catchUp(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
        while (System.nanoTime() < deadline) {
            boolean behind = false;
            for (TopicPartition tp : partitions) {
                if (consumer.position(tp, timeout) < end.get(tp)) {
                    behind = true;
                    break;
                }
            }
            if (!behind) {
                return true;
            }
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                take(r);
            }
        }
        return false;
    }

    private void take(ConsumerRecord<String, byte[]> r) {
        VilstreamTopic topic = topicOf(r.topic());
        switch (topic) {
            case CONTENT -> {
                if (r.value() == null) {
                    content.add(new Content(r.partition(), r.offset(), r.key(), r.timestamp(), null));
                } else {
                    ContentEvent e = contentSerde.deserialize(r.topic(), r.value());
                    content.add(new Content(r.partition(), r.offset(), r.key(), e.getEventTime().toEpochMilli(), hash(e)));
                }
            }
            case EMBEDDINGS_IMAGE, EMBEDDINGS_TEXT -> {
                if (r.value() == null) {
                    outputs.add(new Output(topic, r.partition(), r.offset(), r.key(), -1, r.timestamp()));
                } else {
                    Embedding e = embeddingSerde.deserialize(r.topic(), r.value());
                    outputs.add(new Output(topic, r.partition(), r.offset(), r.key(), e.getModelVersion(),
                            e.getEventTime().toEpochMilli()));
                }
            }
            case TAGS -> outputs.add(new Output(topic, r.partition(), r.offset(), r.key(), r.value() == null ? -1 : 0,
                    r.timestamp()));
            case CONTENT_DLQ -> {
                DlqFailure f = DlqHeaders.read(r.headers()).orElse(null);
                if (f != null) {
                    String message = f.errorMessage() == null ? "" : f.errorMessage();
                    int space = message.indexOf(' ');
                    dlq.add(new Dead(r.key(), f.sourcePartition(), f.sourceOffset(),
                            space < 0 ? message : message.substring(0, space)));
                }
            }
            default -> { }
        }
    }

    private VilstreamTopic topicOf(String name) {
        for (VilstreamTopic t : VilstreamTopic.values()) {
            if (topics.name(t).equals(name)) {
                return t;
            }
        }
        throw new IllegalStateException("not a read topic: " + name);
    }

    /** sha256 of what was produced, the event time left out. */
    static String hash(ContentEvent e) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (Caption c : e.getCaptions()) {
                d.update(("caption\0" + c.getText() + "\0" + c.getKind() + "\0").getBytes(StandardCharsets.UTF_8));
            }
            for (CharSequence t : e.getTags()) {
                d.update(("tag\0" + t + "\0").getBytes(StandardCharsets.UTF_8));
            }
            for (ImageRendition i : e.getImages()) {
                ByteBuffer b = i.getData().duplicate();
                d.update(("image\0" + i.getMediaType() + "\0").getBytes(StandardCharsets.UTF_8));
                d.update(b);
            }
            return HexFormat.of().formatHex(d.digest(), 0, 12);
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    Snapshot snapshot() {
        return new Snapshot(List.copyOf(content), List.copyOf(outputs), List.copyOf(dlq));
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
        contentSerde.close();
        embeddingSerde.close();
    }
}
