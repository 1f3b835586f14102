package io.vilstream.encoder.topology;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

import io.vilstream.encoder.batching.BufferEntry;
import io.vilstream.encoder.batching.ThreadBatches;
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
 * valid ones in the task's changelogged store and in its stream thread's shared batch
 * ({@link ThreadBatches}), and encodes that batch as one tower call when it holds
 * {@code batchSize} records or when its oldest record has waited {@code lingerMs}. A batch borrows
 * the current model when it starts, on the stream thread, and the tower worker that encodes it
 * later uses that lease: all its records carry the same version, a hot swap takes effect at the
 * next batch to start, and batches carry versions in the order they started, whichever worker
 * runs first. Outputs per item: one image and one text embedding, the generated tags, and the
 * hard negatives mined against recent images of the same version. Each task forwards the outputs
 * of its own records and deletes them from its buffer in the same transaction.
 *
 * <p>A tombstone (null value, key = content id) deletes the item: tombstones for that id go to the
 * image and text embedding topics and the tags topic, in the same transaction as the input offset.
 * Order per key: the id's records buffered before the delete never come out after it — those
 * not yet encoded are dropped from the buffer, and the results of those being encoded are
 * dropped when they come back. A backfill does the same when it re-reads a tombstone, and does
 * not embed content older than a deletion the embedding topic already holds.
 */
final class EncodeProcessor implements Processor<byte[], byte[], Object, Object>, ThreadBatches.Owner {

    private static final Logger log = LoggerFactory.getLogger(EncodeProcessor.class);

    /** How long a backfill's failed batch waits before its records are encoded again. */
    static final long RETRY_BACKOFF_MS = 1000;

    static final String VIEW_IMAGE = "image";
    static final String VIEW_CAPTION = "caption";

    /**
     * A record in the batch: its buffer-store key and entry, its validated content (null when
     * restored from the changelog), and the generation (see {@link #init}) of the task that buffered it.
     */
    record Buffered(String storeKey, BufferEntry entry, ContentValidator.ValidContent content, long generation) {
    }

    /**
     * The records to forward for one buffered record, after which its buffer entry is deleted;
     * {@code id} is the content id of an encoded record, null for a rejection (DLQ).
     */
    private record Outcome(String id, String storeKey, BufferEntry entry, List<Record<Object, Object>> records,
                           List<String> sinks, long eventTimeMs, long generation) {
    }

    private final EncoderTopology.Settings settings;
    private final Deserializer<ContentEvent> deserializer;
    private final SwappableModel model;
    private final HardNegativeMiner miner;
    private final EncoderMetrics metrics;
    private final ContentValidator validator;
    private final ThreadBatches<Buffered> batches;
    /** Where batches are encoded: tower workers, so the stream thread goes on meanwhile, or the stream thread itself. */
    private final Executor towers;
    /** Told what enters and leaves the buffer (a backfill's completion). */
    private final BufferWatch watch;
    /** A backfill's limits ({@link BackfillScope#ALL} for the live encoder). */
    private final BackfillScope scope;
    /** Results of batches (run by any task of this thread) for this task's records, not yet forwarded. */
    private final ArrayDeque<Outcome> ready = new ArrayDeque<>();
    /** The batch holding this task's pending records (the thread's that ran {@link #init}). */
    private ThreadBatches.Batch<Buffered> batch;
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, BufferEntry> buffer;
    private KeyValueStore<String, EmbeddedState> embeddedVersions;
    private boolean closed;
    /**
     * Counts {@link #init} calls. Kafka Streams initialises the same instance again when it revives
     * a corrupted task; the revived task encodes its restored buffer anew, so results of batches
     * started by an earlier generation are dropped, or they would be forwarded twice.
     */
    private long generation;
    /** Whether the last batch start found no model (logged once, not at every tick). */
    private boolean modelUnavailable;
    /**
     * Deleted ids whose earlier records may still be encoding: id → the tombstone's offset. A
     * result for a record of that id below it is dropped, not forwarded (it would follow the
     * tombstone). Kept while this thread has batches in flight.
     */
    private final Map<String, Long> deletedBelow = new HashMap<>();

    EncodeProcessor(EncoderTopology.Settings settings, Deserializer<ContentEvent> deserializer, SwappableModel model,
                    HardNegativeMiner miner, EncoderMetrics metrics, ThreadBatches<Buffered> batches, Executor towers,
                    BufferWatch watch, BackfillScope scope) {
        this.settings = settings;
        this.deserializer = deserializer;
        this.model = model;
        this.miner = miner;
        this.metrics = metrics;
        this.batches = batches;
        this.towers = towers;
        this.watch = watch;
        this.scope = scope;
        this.validator = new ContentValidator(settings.limits(), settings.imageSize());
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.closed = false;
        this.generation++;
        this.ready.clear();
        this.deletedBelow.clear();
        this.buffer = context.getStateStore(EncoderTopology.BUFFER_STORE);
        this.batch = batches.current();
        if (settings.options().skipEmbedded()) {
            this.embeddedVersions = context.getStateStore(EncoderTopology.EMBEDDED_VERSIONS_STORE);
        }
        // after a restart or rebalance the restored buffer holds the committed, not yet forwarded
        // records, possibly many batches' worth: they go into batches of batchSize like new ones
        long now = context.currentSystemTimeMs();
        try (KeyValueIterator<String, BufferEntry> it = buffer.all()) {
            while (it.hasNext()) {
                KeyValue<String, BufferEntry> kv = it.next();
                batch.add(this, new Buffered(kv.key, kv.value, null, generation), now);
                watch.held(kv.value.partition(), kv.value.offset());
            }
        }
        // check often, so a record waits about lingerMs, not up to twice that
        long tick = Math.max(1, settings.lingerMs() / 4);
        context.schedule(Duration.ofMillis(tick), PunctuationType.WALL_CLOCK_TIME, wallClock -> {
            batch.collect(false);
            // as many batches as workers are free for: full ones, and the partial one that is ripe
            long t = context.currentSystemTimeMs();
            while (batch.canStart() && !batch.held(t)
                    && (batch.size() >= settings.batchSize() || batch.ripe(t, settings.lingerMs()))) {
                if (!startBatch()) {
                    break; // no model to encode with now: the records wait, and the next tick tries again
                }
            }
            drain();
        });
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        accept(record);
        batch.collect(false); // hand over whatever the towers have finished meanwhile
        drain();
    }

    /** Validates a record (bad input → DLQ), buffers it, and starts the thread's batch when it is full. */
    private void accept(Record<byte[], byte[]> record) {
        metrics.recordIn();
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        String topic = meta.topic();
        String key = keyString(record.key());
        if (record.value() == null && key != null && !key.isBlank()) {
            delete(key, record.timestamp(), meta.partition(), meta.offset());
            return;
        }
        ContentValidator.ValidContent valid;
        try {
            ContentEvent event = decode(topic, record.key(), record.value());
            valid = validator.validate(key, event);
            if (embeddedVersions != null && notTheBackfills(event.getId(), meta.partition(), meta.offset(), record.timestamp())) {
                metrics.skipped();
                return;
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
        BufferEntry entry = new BufferEntry(record.key(), record.value(), topic, meta.partition(), meta.offset(), record.timestamp());
        buffer.put(storeKey, entry);
        watch.held(meta.partition(), meta.offset());
        batch.add(this, new Buffered(storeKey, entry, valid, generation), context.currentSystemTimeMs());
        if (batch.size() >= settings.batchSize() && !batch.held(context.currentSystemTimeMs())) {
            if (!batch.canStart()) {
                batch.collect(true); // every worker busy with this thread's batches: wait for the oldest
            }
            boolean started = startBatch();
            while (started && batch.canStart() && !batch.held(context.currentSystemTimeMs())
                    && batch.size() >= settings.batchSize()) {
                started = startBatch(); // a restored backlog: more full batches, as long as a worker is free
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        if (batch != null) {
            batch.remove(this); // still in the buffer store: the task's next owner encodes them
        }
        ready.clear();
        deletedBelow.clear();
        if (context != null) {
            watch.releasedAll(context.taskId().partition()); // still in the buffer store, for the task's next owner
        }
    }

    private ContentEvent decode(String topic, byte[] key, byte[] value) throws InvalidContentException {
        if (value == null) {
            throw new InvalidContentException(InvalidContentException.Reason.NULL_VALUE,
                    "a null value (tombstone) without a content id as its key names nothing to delete");
        }
        return deserializer.deserialize(topic, value);
    }

    /**
     * A tombstone for {@code id} (the content was deleted): drops the id's records still buffered
     * by this task, so none comes out after the delete, and forwards tombstones for the id to the
     * embedding and tag topics (a backfill: unless the item was created again and embedded since).
     */
    private void delete(String id, long timestamp, int partition, long offset) {
        metrics.deleted();
        for (ThreadBatches.Pending<Buffered> p : batch.remove(this, b -> id.equals(idOf(b)))) {
            release(p.item().storeKey(), p.item().entry()); // buffered, not yet encoded: never will be
        }
        for (Iterator<Outcome> it = ready.iterator(); it.hasNext(); ) {
            Outcome o = it.next();
            if (id.equals(o.id())) { // encoded, not yet forwarded: it would come out before the tombstone for nothing
                it.remove();
                release(o.storeKey(), o.entry());
            }
        }
        if (batch.inFlight() > 0) {
            deletedBelow.merge(id, offset, Math::max); // being encoded now: dropped when the results come back
        }
        if (embeddedVersions != null) {
            if (scope.superseded() || !scope.mine(id, partition, offset)) {
                return; // a backfill: superseded, past its target (the live encoder's), or the id was created again since
            }
            EmbeddedState latest = embeddedVersions.get(id);
            if (latest != null && !latest.isDeleted() && latest.timestamp() > timestamp) {
                return; // re-read by a backfill, but the item was created again and embedded since: keep it
            }
        }
        Record<Object, Object> tombstone = new Record<>(id, null, timestamp);
        context.forward(tombstone, EncoderTopology.SINK_IMAGE);
        context.forward(tombstone, EncoderTopology.SINK_TEXT);
        if (settings.options().tags()) {
            context.forward(tombstone, EncoderTopology.SINK_TAGS);
        }
    }

    /**
     * Whether an encoded record's outputs must not be forwarded: its id was deleted after it, or
     * (a backfill) it is no longer the backfill's to write.
     */
    private boolean deletedAfter(Outcome o) {
        if (o.id() == null) {
            return false;
        }
        Long below = deletedBelow.get(o.id());
        if (below != null && o.entry().offset() < below) {
            return true;
        }
        // a backfill, checked again right before forwarding: the live encoder deleted it, or
        // embedded it with this version (or a newer serving's), while this batch was encoding
        return embeddedVersions != null
                && notTheBackfills(o.id(), o.entry().partition(), o.entry().offset(), o.entry().timestamp());
    }

    /**
     * A backfill: whether the content record of {@code id} at {@code offset} (stamped
     * {@code timestamp}) must not be embedded, or its embedding not be forwarded. Not when the
     * backfill is superseded by a newer served version, nor when the record is not its to embed
     * (past its target, or not the id's latest content: {@link BackfillScope#mine}); nor when the
     * embedding topic already holds a deletion since, an embedding of this version (the live
     * encoder's after its swap: the id's later records come after it), or an embedding of a newer
     * serving's version (not yet heard of here). An embedding of a version rolled back from is a
     * rollback's to redo.
     */
    private boolean notTheBackfills(String id, int partition, long offset, long timestamp) {
        if (scope.superseded() || !scope.mine(id, partition, offset)) {
            return true;
        }
        EmbeddedState latest = embeddedVersions.get(id);
        if (latest == null) {
            return false;
        }
        if (latest.isDeleted()) {
            return latest.deletedSince(timestamp);
        }
        long version = model.version();
        return latest.version() == version || (latest.version() > version && scope.newerServing(latest.version()));
    }

    /** The content id of a buffered record: its key (validated equal to the id), else its decoded id. */
    private String idOf(Buffered b) {
        if (b.content() != null) {
            return b.content().event().getId();
        }
        String key = keyString(b.entry().key());
        if (key != null) {
            return key;
        }
        try {
            return deserializer.deserialize(b.entry().topic(), b.entry().value()).getId();
        } catch (RuntimeException e) {
            return null; // it fails again when its batch starts, and goes to the DLQ then
        }
    }

    private void release(String storeKey, BufferEntry entry) {
        buffer.delete(storeKey);
        watch.released(entry.partition(), entry.offset());
    }

    /** Forwards the outputs of this task's encoded records and deletes them from the buffer. */
    private void drain() {
        long now = System.currentTimeMillis();
        for (Outcome o; (o = ready.poll()) != null; ) {
            if (deletedAfter(o)) {
                release(o.storeKey(), o.entry());
                continue;
            }
            for (int i = 0; i < o.records().size(); i++) {
                String sink = o.sinks().get(i);
                context.forward(o.records().get(i), sink);
                if (sink.equals(EncoderTopology.SINK_TAGS)) {
                    metrics.tags();
                } else if (sink.equals(EncoderTopology.SINK_HARD_NEGATIVES)) {
                    metrics.hardNegatives();
                }
            }
            if (o.eventTimeMs() >= 0) {
                metrics.embedded(o.eventTimeMs(), now);
            }
            release(o.storeKey(), o.entry());
        }
        if (!deletedBelow.isEmpty() && batch.inFlight() == 0) {
            // nothing encoding any more: a deleted id's records are settled, except those a failed
            // backfill batch put back, which go now
            for (ThreadBatches.Pending<Buffered> p : batch.remove(this, b -> {
                Long below = deletedBelow.get(idOf(b));
                return below != null && b.entry().offset() < below;
            })) {
                release(p.item().storeKey(), p.item().entry());
            }
            deletedBelow.clear();
        }
    }

    /** Takes an outcome for forwarding unless this task closed, or was revived, since its batch started. */
    private void deliver(Outcome o) {
        if (!closed && o.generation() == generation) {
            ready.add(o);
        }
    }

    /**
     * Starts encoding the oldest {@code batchSize} records of this thread's batch, whichever task
     * buffered them; each owner gets its outcomes when the batch is collected.
     *
     * @return false when no model could be borrowed (closed: the service or this backfill is
     *         stopping); the records are back at the head of the batch and still in their buffers
     */
    private boolean startBatch() {
        List<ThreadBatches.Pending<Buffered>> pending = batch.take(settings.batchSize());
        List<ThreadBatches.Pending<Buffered>> valid = new ArrayList<>(pending.size());
        List<ContentValidator.ValidContent> contents = new ArrayList<>(pending.size());
        for (ThreadBatches.Pending<Buffered> p : pending) {
            BufferEntry e = p.item().entry();
            try {
                ContentValidator.ValidContent c = p.item().content();
                if (c == null) { // restored from the changelog: decode again
                    c = validator.validate(keyString(e.key()), decode(e.topic(), e.key(), e.value()));
                }
                valid.add(p);
                contents.add(c);
            } catch (InvalidContentException | RuntimeException ex) {
                // validated on arrival; only a changed limit or registry state gets here
                ((EncodeProcessor) p.owner()).deliver(rejection(p.item(), "validate", ex, ex.getClass().getSimpleName()));
            }
        }
        if (contents.isEmpty()) {
            return true;
        }
        ModelLease lease;
        try {
            lease = model.acquire(); // here, not on the worker: the version served when the batch starts
        } catch (IllegalStateException closed) {
            putBack(valid, contents);
            if (!modelUnavailable) {
                modelUnavailable = true;
                log.warn("no model to encode with ({}): {} records wait in their buffers", closed.getMessage(), batch.size());
            }
            return false;
        }
        modelUnavailable = false;
        try {
            batch.start(valid, items -> encode(items, contents, lease), towers);
        } catch (RuntimeException e) {
            lease.close(); // the batch never reached a worker
            throw e;
        }
        batch.collect(false); // done already when encoding on the stream thread
        return true;
    }

    /**
     * Encodes a batch with the model {@code lease} taken when it started (on the towers' executor),
     * gives the lease back, and returns what hands each outcome to its task (on the stream thread).
     */
    private Runnable encode(List<ThreadBatches.Pending<Buffered>> pending, List<ContentValidator.ValidContent> contents,
                            ModelLease lease) {
        List<float[]> images = new ArrayList<>(contents.size());
        List<String> captions = new ArrayList<>(contents.size());
        for (ContentValidator.ValidContent c : contents) {
            images.add(c.images().get(0));
            captions.add(c.event().getCaptions().get(0).getText());
        }
        List<Outcome> outcomes = new ArrayList<>(contents.size());
        try (lease) {
            DualEncoder m = lease.model();
            long version = lease.version();
            long t0 = System.nanoTime();
            DualEncoder.ImageEncoding img = m.encodeImagesWithTags(images, settings.tagsTopK(), settings.tagsThreshold());
            float[][] txt = m.encodeTexts(captions);
            metrics.batch(contents.size(), System.nanoTime() - t0);
            metrics.modelInUse(version);
            Instant producedAt = Instant.now();
            List<List<Negative>> mined = miner == null || !settings.options().hardNegatives() ? null
                    : miner.addAndMine(version, contents.stream().map(c -> c.event().getId()).toList(), img.embeddings());
            for (int i = 0; i < contents.size(); i++) {
                ContentEvent e = contents.get(i).event();
                String id = e.getId();
                long ts = pending.get(i).item().entry().timestamp();
                List<Record<Object, Object>> records = new ArrayList<>(4);
                List<String> sinks = new ArrayList<>(4);
                records.add(new Record<>(id, embedding(e, Modality.IMAGE, VIEW_IMAGE, version, img.embeddings()[i], producedAt), ts));
                sinks.add(EncoderTopology.SINK_IMAGE);
                records.add(new Record<>(id, embedding(e, Modality.TEXT, VIEW_CAPTION, version, txt[i], producedAt), ts));
                sinks.add(EncoderTopology.SINK_TEXT);
                if (settings.options().tags()) {
                    List<io.vilstream.schemas.avro.ScoredTag> tags = new ArrayList<>();
                    for (ScoredTag t : img.tags().get(i)) {
                        tags.add(new io.vilstream.schemas.avro.ScoredTag(t.tag(), t.score()));
                    }
                    records.add(new Record<>(id, ObjectTags.newBuilder().setContentId(id).setTags(tags)
                            .setModelName(settings.modelName()).setTaggerVersion(version).setProducedAt(producedAt).build(), ts));
                    sinks.add(EncoderTopology.SINK_TAGS);
                }
                if (mined != null && !mined.get(i).isEmpty()) {
                    records.add(new Record<>(id, HardNegatives.newBuilder().setAnchorId(id).setNegatives(mined.get(i))
                            .setModelName(settings.modelName()).setModelVersion(version).setMinedAt(producedAt).build(), ts));
                    sinks.add(EncoderTopology.SINK_HARD_NEGATIVES);
                }
                Buffered b = pending.get(i).item();
                outcomes.add(new Outcome(id, b.storeKey(), b.entry(), records, sinks, e.getEventTime().toEpochMilli(),
                        b.generation()));
            }
        } catch (RuntimeException ex) {
            // a model failure must not lose the batch silently
            metrics.encodeFailed(contents.size());
            if (!settings.options().dlq()) {
                // no DLQ to record them (a backfill): deleting them would leave the version's
                // coverage incomplete for good, so they stay buffered and are encoded again
                log.error("encoding a batch of {} failed; encoding its records again in {} ms", contents.size(),
                        RETRY_BACKOFF_MS, ex);
                return () -> {
                    putBack(pending, contents);
                    batch.holdUntil(context.currentSystemTimeMs() + RETRY_BACKOFF_MS); // not a hot loop of failures
                };
            }
            // each record goes to the DLQ with the cause
            log.error("encoding a batch of {} failed; its records go to the DLQ", contents.size(), ex);
            outcomes.clear();
            for (ThreadBatches.Pending<Buffered> p : pending) {
                outcomes.add(rejection(p.item(), "encode", ex, "ENCODE_FAILED"));
            }
        }
        return () -> {
            for (int i = 0; i < outcomes.size(); i++) {
                ((EncodeProcessor) pending.get(i).owner()).deliver(outcomes.get(i));
            }
        };
    }

    /**
     * Puts records that could not be encoded now back at the head of this thread's batch (on the
     * stream thread), with their decoded content; they are still in their buffer stores. Records
     * of a task closed or revived since are left out: their store's next owner encodes them.
     */
    private void putBack(List<ThreadBatches.Pending<Buffered>> pending, List<ContentValidator.ValidContent> contents) {
        List<ThreadBatches.Pending<Buffered>> back = new ArrayList<>(pending.size());
        for (int i = 0; i < pending.size(); i++) {
            ThreadBatches.Pending<Buffered> p = pending.get(i);
            Buffered b = p.item();
            if (((EncodeProcessor) p.owner()).owns(b)) {
                back.add(new ThreadBatches.Pending<>(p.owner(), new Buffered(b.storeKey(), b.entry(), contents.get(i), b.generation()),
                        p.bufferedAtMs()));
            }
        }
        batch.putBack(back);
    }

    /** Whether {@code b} was buffered by this task's current generation. */
    private boolean owns(Buffered b) {
        return !closed && b.generation() == generation;
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

    /** A buffered record that failed after buffering: its DLQ record (if the DLQ is on), then its buffer entry goes. */
    private Outcome rejection(Buffered b, String stage, Throwable error, String reason) {
        BufferEntry e = b.entry();
        metrics.dlq(reason);
        if (!settings.options().dlq()) {
            return new Outcome(null, b.storeKey(), e, List.of(), List.of(), -1, b.generation());
        }
        return new Outcome(null, b.storeKey(), e, List.of(dlqRecord(e.key(), e.value(), e.timestamp(), stage, error, e.topic(), e.partition(), e.offset())),
                List.of(EncoderTopology.SINK_DLQ), -1, b.generation());
    }

    private void reject(byte[] key, byte[] value, long timestamp, String stage, Throwable error, String reason,
                        String topic, int partition, long offset) {
        metrics.dlq(reason);
        if (settings.options().dlq()) {
            context.forward(dlqRecord(key, value, timestamp, stage, error, topic, partition, offset), EncoderTopology.SINK_DLQ);
        }
    }

    private static Record<Object, Object> dlqRecord(byte[] key, byte[] value, long timestamp, String stage, Throwable error,
                                                    String topic, int partition, long offset) {
        RecordHeaders headers = new RecordHeaders();
        DlqHeaders.write(headers, DlqFailure.of(stage, error, topic, partition, offset, Instant.now()));
        return new Record<>(key, value, timestamp, headers);
    }

    private static String keyString(byte[] key) {
        return key == null ? null : new String(key, StandardCharsets.UTF_8);
    }
}
