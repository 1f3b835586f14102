package io.vilstream.retriever.versions;

import java.time.Duration;

import io.vilstream.model.config.ModelConfig;
import io.vilstream.model.towers.DualEncoder;
import io.vilstream.modelstore.ModelRegistryState;
import io.vilstream.modelstore.ModelStore;
import io.vilstream.schemas.avro.ModelVersion;

/**
 * Towers from the model topics: version 0 is rebuilt from the shared seed (every service gets
 * the same initial model without data); later versions are fetched from the checkpoint topic,
 * sha256-checked, and loaded.
 */
public final class ModelStoreEncoderSource implements EncoderSource {

    private final ModelStore store;
    private final String model;
    private final ModelConfig initialConfig;
    private final long seed;
    private final Duration timeout;

    /**
     * @param initialConfig the architecture of version 0 ({@code model.preset}; the same in every service)
     */
    public ModelStoreEncoderSource(ModelStore store, String model, ModelConfig initialConfig, long seed, Duration timeout) {
        this.store = store;
        this.model = model;
        this.initialConfig = initialConfig;
        this.seed = seed;
        this.timeout = timeout;
    }

    @Override
    public DualEncoder load(long version) throws Exception {
        if (version == 0) {
            return DualEncoder.initial(initialConfig, seed);
        }
        ModelRegistryState state = store.readState(model, timeout);
        ModelVersion v = state.get(version).orElseThrow(() -> new IllegalStateException(
                "model " + model + " has no version " + version + " on " + store.topics().versions()));
        return DualEncoder.load(store.fetchCheckpoint(v, timeout));
    }
}
