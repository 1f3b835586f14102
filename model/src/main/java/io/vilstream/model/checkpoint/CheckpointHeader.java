package io.vilstream.model.checkpoint;

import java.util.List;

import io.vilstream.model.config.ModelConfig;

/**
 * Everything in a checkpoint besides the parameters: the architecture, the tokenizer and tag
 * vocabularies (the tokenizer is fully described by the config's hashing settings), the number
 * of logit scales, and the lineage of this set of weights.
 */
public record CheckpointHeader(
        ModelConfig config,
        List<String> tags,
        int scaleCount,
        String modelName,
        long version,
        Long parent,
        long trainingStep,
        long createdAtMillis) {

    public CheckpointHeader {
        tags = List.copyOf(tags);
    }
}
