package io.vilstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vilstream.model.config.ModelConfig;
import io.vilstream.runtime.config.CommonConfig;
import org.junit.jupiter.api.Test;

/** model.preset is resolved in one place, and the configuration accepts exactly the presets it resolves. */
class PresetsTest {

    @Test
    void theConfigurationAcceptsExactlyThePresetsTheModelResolves() {
        assertThat(CommonConfig.MODEL_PRESETS).containsExactlyElementsOf(ModelConfig.PRESETS);
        for (String name : ModelConfig.PRESETS) {
            assertThat(ModelConfig.preset(name)).isNotNull();
        }
    }

    @Test
    void anUnknownPresetIsRefusedNamingTheKnownOnes() {
        assertThatThrownBy(() -> ModelConfig.preset("huge")).hasMessageContaining("huge").hasMessageContaining("minilm");
    }
}
