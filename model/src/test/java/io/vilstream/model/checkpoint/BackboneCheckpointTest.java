package io.vilstream.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import io.vilstream.model.Fixture;
import io.vilstream.model.backbone.BackboneSpec;
import io.vilstream.model.backbone.TextBackbone;
import io.vilstream.model.config.ModelConfig;
import io.vilstream.model.tagger.TagVocabulary;
import io.vilstream.model.towers.DualEncoder;
import io.vilstream.model.training.ContrastiveTrainer;
import io.vilstream.model.training.TrainingConfig;
import io.vilstream.model.views.TrainingItem;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A model on a frozen text backbone: self-describing checkpoints that refuse other backbone weights. */
class BackboneCheckpointTest {

    private static final ModelConfig CONFIG = ModelConfig.tiny().withTextBackbone(BackboneSpec.MINILM_L6_V2.id(), "adapter", 384);

    private static byte[] checkpoint;
    private static float[][] texts;

    @BeforeAll
    static void trainAndSave() {
        List<TrainingItem> items = Fixture.items(CONFIG.imageSize());
        TagVocabulary vocab = TagVocabulary.build(items.stream().map(TrainingItem::tags).toList(), 1, 256);
        try (DualEncoder model = DualEncoder.create(CONFIG, vocab, 5)) {
            ContrastiveTrainer trainer = new ContrastiveTrainer(model, TrainingConfig.forModel(CONFIG, 5, 0).withBatchSize(8));
            for (int i = 0; i < 3; i++) {
                trainer.step(items.subList(8 * i, 8 * i + 8), List.of());
            }
            checkpoint = model.toCheckpoint(3, 2L, trainer.step());
            texts = model.encodeTexts(List.of("grinning face", "red heart"));
        }
    }

    @Test
    void recordsTheBackboneAndRoundTrips() throws Exception {
        CheckpointHeader header = CheckpointFormat.read(checkpoint).header();
        assertThat(header.backbone()).isEqualTo(BackboneSpec.MINILM_L6_V2);
        try (DualEncoder loaded = DualEncoder.load(checkpoint)) {
            assertThat(loaded.hasTextBackbone()).isTrue();
            assertThat(loaded.encodeTexts(List.of("grinning face", "red heart"))).isDeepEqualTo(texts);
        }
    }

    @Test
    void theAdapterHeadStartsAtTheLockedSpaceAndTrainingMovesIt() {
        float[] locked = TextBackbone.shared(BackboneSpec.MINILM_L6_V2).embed(List.of("red heart"))[0];
        try (DualEncoder fresh = DualEncoder.create(CONFIG, new TagVocabulary(List.of()), 5)) {
            assertThat(fresh.encodeTexts(List.of("red heart"))[0]).containsExactly(locked, Offset.offset(1e-5f));
        }
        double moved = 0;
        for (int i = 0; i < locked.length; i++) {
            moved = Math.max(moved, Math.abs(texts[1][i] - locked[i]));
        }
        assertThat(moved).isGreaterThan(1e-6);
    }

    @Test
    void refusesACheckpointTrainedAgainstOtherBackboneWeights() throws Exception {
        CheckpointFormat.Parts parts = CheckpointFormat.read(checkpoint);
        CheckpointHeader h = parts.header();
        BackboneSpec other = new BackboneSpec(h.backbone().id(), h.backbone().artifact(), h.backbone().modelResource(),
                h.backbone().tokenizerResource(), "ab".repeat(32), h.backbone().dim(), h.backbone().maxTokens());
        byte[] tampered = CheckpointFormat.write(new CheckpointHeader(h.config(), h.tags(), h.scaleCount(), h.modelName(),
                h.version(), h.parent(), h.trainingStep(), h.createdAtMillis(), other), parts.parameters());
        assertThatThrownBy(() -> DualEncoder.load(tampered))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("trained against text backbone all-minilm-l6-v2")
                .hasMessageContaining("abababababab")
                .asInstanceOf(InstanceOfAssertFactories.type(CheckpointException.class))
                .extracting(CheckpointException::reason).isEqualTo(CheckpointException.Reason.INCOMPATIBLE);
    }

    @Test
    void refusesACheckpointThatDoesNotRecordItsBackbone() throws Exception {
        CheckpointFormat.Parts parts = CheckpointFormat.read(checkpoint);
        CheckpointHeader h = parts.header();
        byte[] unrecorded = CheckpointFormat.write(new CheckpointHeader(h.config(), h.tags(), h.scaleCount(), h.modelName(),
                h.version(), h.parent(), h.trainingStep(), h.createdAtMillis(), null), parts.parameters());
        assertThatThrownBy(() -> DualEncoder.load(unrecorded))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("(unrecorded)");
    }
}
