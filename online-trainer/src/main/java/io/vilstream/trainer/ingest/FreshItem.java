package io.vilstream.trainer.ingest;

import io.vilstream.model.views.TrainingItem;
import org.apache.kafka.common.TopicPartition;

/** A train item not yet trained on, with the record it came from (its offset is held until then). */
public record FreshItem(TrainingItem item, TopicPartition partition, long offset) {
}
