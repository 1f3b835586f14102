package io.vilstream.encoder.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import io.vilstream.model.config.ModelConfig;
import io.vilstream.model.towers.DualEncoder;
import org.junit.jupiter.api.Test;

/** A backfill sharing the live model: the model lives until both are done with it, and no longer. */
class SwappableModelTest {

    @Test
    void aFixedSourceKeepsTheSharedModelOpenAfterTheLiveOneSwapsPastItAndFreesItOnClose() {
        DualEncoder v0 = DualEncoder.initial(ModelConfig.tiny(), 42);
        try (SwappableModel live = new SwappableModel(v0)) {
            SwappableModel fixed = SwappableModel.fixedOn(live.acquire());
            live.swap(DualEncoder.initial(ModelConfig.tiny(), 43));
            assertThat(v0.manager().isOpen()).as("the backfill still holds version 0").isTrue();
            try (ModelLease lease = fixed.acquire()) {
                assertThat(lease.model()).isSameAs(v0);
                assertThat(lease.model().encodeTexts(List.of("a red heart"))).hasNumberOfRows(1);
            }
            fixed.close();
            assertThat(v0.manager().isOpen()).as("freed with its last holder").isFalse();
        }
    }

    @Test
    void closingAFixedSourceLeavesTheLiveModelOpen() {
        DualEncoder v0 = DualEncoder.initial(ModelConfig.tiny(), 42);
        try (SwappableModel live = new SwappableModel(v0)) {
            ModelLease lease = live.acquire();
            SwappableModel.fixedOn(lease).close();
            assertThat(v0.manager().isOpen()).isTrue();
            try (ModelLease again = live.acquire()) {
                assertThat(again.model()).isSameAs(v0);
            }
            assertThatThrownBy(() -> SwappableModel.fixedOn(lease)).as("a lease hands its reference over once")
                    .isInstanceOf(IllegalStateException.class);
        }
        assertThat(v0.manager().isOpen()).isFalse();
    }
}
