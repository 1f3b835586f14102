package io.vilstream.trainer.batch;

import java.util.List;

import io.vilstream.model.training.StepResult;

/**
 * What one step trained on, as the trainer reports it to an observer (tests, debugging): the
 * anchor ids, those among them that were new from the stream, the hard negatives passed as
 * extra candidates, and the step's result (whose {@code hardNegatives()} counts the columns
 * the loss actually used).
 */
public record TrainedBatch(long lineageVersion, List<String> anchorIds, List<String> newIds,
                           List<String> hardNegativeIds, StepResult result) {

    public TrainedBatch {
        anchorIds = List.copyOf(anchorIds);
        newIds = List.copyOf(newIds);
        hardNegativeIds = List.copyOf(hardNegativeIds);
    }
}
