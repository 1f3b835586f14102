package io.vilstream.modelstore;

/** The two topic names the model store uses (configurable, defaults from the topic set). */
public record ModelStoreTopics(String versions, String checkpoints) {

    public static ModelStoreTopics defaults() {
        return new ModelStoreTopics("vilstream.model.versions.v1", "vilstream.model.checkpoints.v1");
    }
}
