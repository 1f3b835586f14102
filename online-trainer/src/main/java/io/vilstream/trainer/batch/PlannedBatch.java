package io.vilstream.trainer.batch;

import java.util.List;

import io.vilstream.model.views.TrainingItem;
import io.vilstream.trainer.ingest.FreshItem;

/**
 * One step's input as planned: the anchors (new, hard-negative anchors, replayed), the hard
 * negatives passed as extra candidate columns, and which anchors were new (their offsets are
 * released and they join the replay buffer once the step has run).
 */
public record PlannedBatch(List<TrainingItem> anchors, List<TrainingItem> negatives, List<FreshItem> fresh) {

    public PlannedBatch {
        anchors = List.copyOf(anchors);
        negatives = List.copyOf(negatives);
        fresh = List.copyOf(fresh);
    }

    public List<String> anchorIds() {
        return anchors.stream().map(TrainingItem::id).toList();
    }

    public List<String> negativeIds() {
        return negatives.stream().map(TrainingItem::id).toList();
    }
}
