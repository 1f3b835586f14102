package io.vilstream.trainer.ingest;

import java.util.ArrayList;
import java.util.List;

import io.vilstream.datasets.split.Split;
import io.vilstream.model.image.ImageDecoder;
import io.vilstream.model.image.ImageRejectedException;
import io.vilstream.model.views.TrainingItem;
import io.vilstream.schemas.avro.ContentEvent;
import io.vilstream.trainer.negatives.ContentCache;
import io.vilstream.trainer.replay.ReplayBuffer;
import io.vilstream.trainer.validation.ValidationSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes each content record by the split of its id ({@link Split#of}): train items go to the
 * fresh queue when they are new (offset at or past the committed one) or straight to the replay
 * buffer when a restart re-reads them, and to the content cache for hard-negative lookup;
 * validation items go to the validation set; test items are never kept. A tombstone removes the
 * id everywhere. A record that cannot be read or decoded is skipped and counted: the stream
 * encoder sends bad input to the DLQ, the trainer must merely not stop on it.
 */
public final class ContentRouter {

    private static final Logger log = LoggerFactory.getLogger(ContentRouter.class);

    /** Where a record went. */
    public enum Outcome { TRAIN_NEW, TRAIN_REPLAYED, VALIDATION, TEST, DELETED, REJECTED }

    private final Deserializer<ContentEvent> deserializer;
    private final ImageDecoder decoder;
    private final ValidationSet validation;
    private final ContentCache cache;
    private final ReplayBuffer replay;
    private final FreshQueue fresh;
    private final OffsetTracker offsets;
    private List<List<String>> trainTags = new ArrayList<>();
    private long trainItemsSeen;

    public ContentRouter(Deserializer<ContentEvent> deserializer, ImageDecoder decoder, ValidationSet validation,
                         ContentCache cache, ReplayBuffer replay, FreshQueue fresh, OffsetTracker offsets) {
        this.deserializer = deserializer;
        this.decoder = decoder;
        this.validation = validation;
        this.cache = cache;
        this.replay = replay;
        this.fresh = fresh;
        this.offsets = offsets;
    }

    /**
     * Routes one record.
     *
     * @param isNew whether the record lies at or past the committed offset (not yet trained into
     *              a published version)
     */
    public Outcome route(ConsumerRecord<String, byte[]> record, boolean isNew) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        offsets.consumed(tp, record.offset());
        if (record.value() == null) {
            if (record.key() != null) {
                forget(record.key());
            }
            return Outcome.DELETED;
        }
        ContentEvent event;
        TrainingItem item;
        try {
            event = deserializer.deserialize(record.topic(), record.value());
            item = TrainingItem.from(event, decoder);
        } catch (ImageRejectedException | RuntimeException e) {
            log.debug("skipping content record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.toString());
            return Outcome.REJECTED;
        }
        switch (Split.of(item.id())) {
            case VAL -> {
                validation.offer(item);
                return Outcome.VALIDATION;
            }
            case TEST -> {
                return Outcome.TEST;
            }
            default -> {
                trainItemsSeen++;
                if (trainTags != null) {
                    trainTags.add(item.tags());
                }
                cache.put(event);
                if (isNew) {
                    offsets.hold(tp, record.offset());
                    fresh.add(new FreshItem(item, tp, record.offset()))
                            .ifPresent(replaced -> offsets.release(replaced.partition(), replaced.offset()));
                    return Outcome.TRAIN_NEW;
                }
                replay.add(item);
                return Outcome.TRAIN_REPLAYED;
            }
        }
    }

    private void forget(String id) {
        validation.remove(id);
        cache.remove(id);
        replay.remove(id);
        fresh.remove(id).ifPresent(f -> offsets.release(f.partition(), f.offset()));
    }

    /** Train items read so far (updates of one id counted again). */
    public long trainItemsSeen() {
        return trainItemsSeen;
    }

    /**
     * The producer tags of the train items read so far, for the vocabulary of a new lineage;
     * collection stops here (the vocabulary is fixed for the lineage's life).
     */
    public List<List<String>> takeTrainTags() {
        List<List<String>> out = trainTags == null ? List.of() : trainTags;
        trainTags = null;
        return out;
    }
}
