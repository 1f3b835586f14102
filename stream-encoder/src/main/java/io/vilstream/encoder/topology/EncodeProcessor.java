package io.vilstream.encoder.topology;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.vilstream.encoder.batching.BufferEntry;
import io.vilstream.encoder.metrics.EncoderMetrics;
import io.vilstream.encoder.mining.HardNegativeMiner;
import io.vilstream.encoder.models.ModelLease;
import io.vilstream.encoder.models.SwappableModel;
import io.vilstream.model.tagger.ScoredTag;
import io.vilstream.model.towers.DualEncoder;
import io.vilstream.schemas.avro.ContentEvent;
import io.vilstream.schemas.avro.Embedding;
import io.vilstream.schemas.avro.HardNegatives;
import io.vilstream.schemas.avro.Modality;
import io.vilstream.schemas.avro.Negative;
import io.vilstream.schemas.avro.ObjectTags;
import io.vilstream.schemas.serde.WireFormatException;
import io.vilstream.schemas.topics.DlqFailure;
import io.vilstream.schemas.topics.DlqHeaders;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates each content record (bad input → DLQ with its reason, the stream goes on), buffers
 * valid ones in the task's changelogged store, and encodes the buffer as one tower batch when it
 * holds {@code batchSize} records or when the linger punctuation fires. A batch borrows the
 * current model once, so all its records carry the same version; a hot swap takes effect at the
 * next batch. Outputs per item: one image and one text embedding, the generated tags, and the
 * hard negatives mined against recent images of the same version.
 */
final class EncodeProcessor implements Processor<byte[], byte[], Object, Object> {

    private static final Logger log = LoggerFactory.getLogger(EncodeProcessor.class);

    static final String VIEW_IMAGE = "image";
    static final String VIEW_CAPTION = "caption";

    private final EncoderTopology.Settings settings;
    private final Deserializer<ContentEvent> deserializer;
    private final SwappableModel model;
    private final HardNegativeMiner miner;
    private final EncoderMetrics metrics;
    private final ContentValidator validator;
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, BufferEntry> buffer;
    private KeyValueStore<String, Long> embeddedVersions;
    private int buffered;
    /**
     * Decoded forms of the buffered records, so a batch does not decode each record twice. Not
     * state: after a restore the buffer's records are decoded again from their bytes.
     */
    private final java.util.Map<String, ContentValidator.ValidContent> decoded = new java.util.HashMap<>();

    EncodeProcessor(EncoderTopology.Settings settings, Deserializer<ContentEvent> deserializer, SwappableModel model,
                    HardNegativeMiner miner, EncoderMetrics metrics) {
        this.settings = settings;
        this.deserializer = deserializer;
        this.model = model;
        this.miner = miner;
        this.metrics = metrics;
        this.validator = new ContentValidator(settings.limits(), settings.imageSize());
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.buffer = context.getStateStore(EncoderTopology.BUFFER_STORE);
        if (settings.options().skipEmbedded()) {
            this.embeddedVersions = context.getStateStore(EncoderTopology.EMBEDDED_VERSIONS_STORE);
        }
        // after a restart or rebalance the restored buffer holds the committed, not yet encoded records
        try (KeyValueIterator<String, BufferEntry> it = buffer.all()) {
            buffered = 0;
            while (it.hasNext()) {
                it.next();
                buffered++;
            }
        }
        context.schedule(Duration.ofMillis(settings.lingerMs()), PunctuationType.WALL_CLOCK_TIME, now -> {
            if (buffered > 0) {
                flush();
            }
        });
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        metrics.recordIn();
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        String topic = meta.topic();
        ContentValidator.ValidContent valid;
        try {
            ContentEvent event = decode(topic, record.key(), record.value());
            valid = validator.validate(keyString(record.key()), event);
            if (embeddedVersions != null) {
                Long latest = embeddedVersions.get(event.getId());
                if (latest != null && latest == model.version()) {
                    metrics.skipped();
                    return; // the live encoder already embedded it with this version
                }
            }
        } catch (WireFormatException e) {
            reject(record.key(), record.value(), record.timestamp(), "decode", e, e.reason().name(),
                    topic, meta.partition(), meta.offset());
            return;
        } catch (InvalidContentException e) {
            reject(record.key(), record.value(), record.timestamp(), e.reason() == InvalidContentException.Reason.NULL_VALUE
                    ? "decode" : "validate", e, e.reason().name(), topic, meta.partition(), meta.offset());
            return;
        } catch (RuntimeException e) {
            reject(record.key(), record.value(), record.timestamp(), "decode", e, e.getClass().getSimpleName(),
                    topic, meta.partition(), meta.offset());
            return;
        }
        String storeKey = BufferEntry.storeKey(meta.offset());
        buffer.put(storeKey, new BufferEntry(record.key(), record.value(), topic, meta.partition(), meta.offset(), record.timestamp()));
        decoded.put(storeKey, valid);
        buffered++;
        if (buffered >= settings.batchSize()) {
            flush();
        }
    }

    private ContentEvent decode(String topic, byte[] key, byte[] value) throws InvalidContentException {
        if (value == null) {
            throw new InvalidContentException(InvalidContentException.Reason.NULL_VALUE,
                    "a null value (tombstone) is not a content event; deleting content is not supported");
        }
        return deserializer.deserialize(topic, value);
    }

    /** Encodes everything buffered as one batch and clears the buffer. */
    private void flush() {
        List<KeyValue<String, BufferEntry>> entries = new ArrayList<>(buffered);
        try (KeyValueIterator<String, BufferEntry> it = buffer.all()) {
            while (it.hasNext()) {
                entries.add(it.next());
            }
        }
        List<BufferEntry> valid = new ArrayList<>(entries.size());
        List<ContentValidator.ValidContent> contents = new ArrayList<>(entries.size());
        for (KeyValue<String, BufferEntry> kv : entries) {
            BufferEntry e = kv.value;
            try {
                ContentValidator.ValidContent c = decoded.remove(kv.key);
                if (c == null) { // restored from the changelog: decode again
                    c = validator.validate(keyString(e.key()), decode(e.topic(), e.key(), e.value()));
                }
                valid.add(e);
                contents.add(c);
            } catch (InvalidContentException | RuntimeException ex) {
                // validated on arrival; only a changed limit or registry state gets here
                reject(e.key(), e.value(), e.timestamp(), "validate", ex, ex.getClass().getSimpleName(),
                        e.topic(), e.partition(), e.offset());
            }
        }
        if (!contents.isEmpty()) {
            encode(valid, contents);
        }
        for (KeyValue<String, BufferEntry> kv : entries) {
            buffer.delete(kv.key);
        }
        decoded.clear();
        buffered = 0;
    }

    private void encode(List<BufferEntry> entries, List<ContentValidator.ValidContent> contents) {
        List<float[]> images = new ArrayList<>(contents.size());
        List<String> captions = new ArrayList<>(contents.size());
        for (ContentValidator.ValidContent c : contents) {
            images.add(c.images().get(0));
            captions.add(c.event().getCaptions().get(0).getText());
        }
        try (ModelLease lease = model.acquire()) {
            DualEncoder m = lease.model();
            long version = lease.version();
            long t0 = System.nanoTime();
            DualEncoder.ImageEncoding img = m.encodeImagesWithTags(images, settings.tagsTopK(), settings.tagsThreshold());
            float[][] txt = m.encodeTexts(captions);
            metrics.batch(contents.size(), System.nanoTime() - t0);
            metrics.modelInUse(version);
            long now = System.currentTimeMillis();
            Instant producedAt = Instant.ofEpochMilli(now);
            List<List<Negative>> mined = miner == null || !settings.options().hardNegatives() ? null
                    : miner.addAndMine(version, contents.stream().map(c -> c.event().getId()).toList(), img.embeddings());
            for (int i = 0; i < contents.size(); i++) {
                ContentEvent e = contents.get(i).event();
                String id = e.getId();
                long ts = entries.get(i).timestamp();
                context.forward(new Record<>(id, embedding(e, Modality.IMAGE, VIEW_IMAGE, version, img.embeddings()[i], producedAt), ts),
                        EncoderTopology.SINK_IMAGE);
                context.forward(new Record<>(id, embedding(e, Modality.TEXT, VIEW_CAPTION, version, txt[i], producedAt), ts),
                        EncoderTopology.SINK_TEXT);
                metrics.embedded(e.getEventTime().toEpochMilli(), now);
                if (settings.options().tags()) {
                    List<io.vilstream.schemas.avro.ScoredTag> tags = new ArrayList<>();
                    for (ScoredTag t : img.tags().get(i)) {
                        tags.add(new io.vilstream.schemas.avro.ScoredTag(t.tag(), t.score()));
                    }
                    context.forward(new Record<>(id, ObjectTags.newBuilder().setContentId(id).setTags(tags)
                            .setModelName(settings.modelName()).setTaggerVersion(version).setProducedAt(producedAt).build(), ts),
                            EncoderTopology.SINK_TAGS);
                    metrics.tags();
                }
                if (mined != null && !mined.get(i).isEmpty()) {
                    context.forward(new Record<>(id, HardNegatives.newBuilder().setAnchorId(id).setNegatives(mined.get(i))
                            .setModelName(settings.modelName()).setModelVersion(version).setMinedAt(producedAt).build(), ts),
                            EncoderTopology.SINK_HARD_NEGATIVES);
                    metrics.hardNegatives();
                }
            }
        } catch (RuntimeException ex) {
            // a model failure must not lose the batch silently: each record goes to the DLQ with the cause
            log.error("encoding a batch of {} failed", contents.size(), ex);
            for (BufferEntry e : entries) {
                reject(e.key(), e.value(), e.timestamp(), "encode", ex, "ENCODE_FAILED", e.topic(), e.partition(), e.offset());
            }
        }
    }

    private Embedding embedding(ContentEvent e, Modality modality, String view, long version, float[] vector, Instant producedAt) {
        List<Float> values = new ArrayList<>(vector.length);
        for (float v : vector) {
            values.add(v);
        }
        return Embedding.newBuilder().setContentId(e.getId()).setModality(modality).setView(view)
                .setModelName(settings.modelName()).setModelVersion(version).setDimension(vector.length)
                .setVector(values).setEventTime(e.getEventTime()).setProducedAt(producedAt).build();
    }

    private void reject(byte[] key, byte[] value, long timestamp, String stage, Throwable error, String reason,
                        String topic, int partition, long offset) {
        metrics.dlq(reason);
        if (!settings.options().dlq()) {
            return;
        }
        RecordHeaders headers = new RecordHeaders();
        DlqHeaders.write(headers, DlqFailure.of(stage, error, topic, partition, offset, Instant.now()));
        context.forward(new Record<Object, Object>(key, value, timestamp, headers), EncoderTopology.SINK_DLQ);
    }

    private static String keyString(byte[] key) {
        return key == null ? null : new String(key, StandardCharsets.UTF_8);
    }
}
