package io.vilstream.trainer.publish;

import java.util.List;

import io.vilstream.schemas.avro.ModelVersion;

/** What one publication transaction wrote: the version record (with or without its weights) and the versions it expired. */
public record Publication(ModelVersion version, byte[] checkpoint, List<ModelVersion> expired) {

    public boolean promoted() {
        return version.getChunkCount() > 0;
    }
}
