package io.vilstream.retriever.testing;

import java.util.List;
import java.util.Map;

import io.vilstream.model.towers.DualEncoder;
import io.vilstream.modelstore.CheckpointPublisher;
import io.vilstream.modelstore.ModelStoreTopics;
import io.vilstream.runtime.kafka.KafkaSettings;
import io.vilstream.schemas.avro.ModelStatus;
import io.vilstream.schemas.avro.ModelVersion;

/** Publishes a model as a promoted version on the model topics, as the trainer's gate would. */
public final class ModelVersions {

    private ModelVersions() {
    }

    public static void promote(KafkaSettings settings, DualEncoder model, long version, Long parent) {
        byte[] checkpoint = model.toCheckpoint(version, parent, 0);
        ModelVersion record = CheckpointPublisher.describe(model.name(), version, checkpoint)
                .setParent(parent).setTrainingStep(0).setStatus(ModelStatus.PROMOTED).setReason("test").build();
        try (CheckpointPublisher publisher = new CheckpointPublisher(settings, ModelStoreTopics.defaults(),
                "retriever-test-" + version)) {
            publisher.publish(record, checkpoint, List.of(), List.of(), Map.of(), null);
        }
    }
}
