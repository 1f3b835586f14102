package io.vilstream.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import io.vilstream.model.Fixture;
import io.vilstream.model.backbone.ImageBackbone;
import io.vilstream.model.backbone.ImageBackboneSpec;
import io.vilstream.model.config.ModelConfig;
import io.vilstream.model.tagger.TagVocabulary;
import io.vilstream.model.towers.DualEncoder;
import io.vilstream.model.training.ContrastiveTrainer;
import io.vilstream.model.training.TrainingConfig;
import io.vilstream.model.views.TrainingItem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A model with the frozen MobileNetV2 beside its CNN (fetched once with npm, like the emoji
 * set): it trains, its checkpoints record the image backbone and refuse other weights, and a
 * rendition's features are computed once.
 */
class ImageBackboneCheckpointTest {

    private static final ModelConfig CONFIG = ModelConfig.tiny().withImageBackbone(ImageBackboneSpec.MOBILENET_V2.id());

    private static List<TrainingItem> items;
    private static byte[] checkpoint;
    private static float[][] images;

    @BeforeAll
    static void trainAndSave() {
        items = Fixture.items(CONFIG.imageSize());
        TagVocabulary vocab = TagVocabulary.build(items.stream().map(TrainingItem::tags).toList(), 1, 256);
        try (DualEncoder model = DualEncoder.create(CONFIG, vocab, 5)) {
            ContrastiveTrainer trainer = new ContrastiveTrainer(model, TrainingConfig.forModel(CONFIG, 5, 0).withBatchSize(8));
            for (int i = 0; i < 3; i++) {
                assertThat(trainer.step(items.subList(8 * i, 8 * i + 8), List.of()).loss()).isFinite();
            }
            checkpoint = model.toCheckpoint(3, 2L, trainer.step());
            images = model.encodeImages(List.of(items.get(0).primaryImage(), items.get(1).primaryImage()));
        }
    }

    @Test
    void recordsTheImageBackboneAndRoundTrips() throws Exception {
        CheckpointHeader header = CheckpointFormat.read(checkpoint).header();
        assertThat(header.imageBackbone()).isEqualTo(ImageBackboneSpec.MOBILENET_V2);
        try (DualEncoder loaded = DualEncoder.load(checkpoint)) {
            assertThat(loaded.encodeImages(List.of(items.get(0).primaryImage(), items.get(1).primaryImage())))
                    .isDeepEqualTo(images);
        }
    }

    @Test
    void aRenditionRunsThroughTheNetworkOnce() {
        ImageBackbone backbone = ImageBackbone.shared(ImageBackboneSpec.MOBILENET_V2);
        float[] image = items.get(2).primaryImage();
        float[] first = backbone.features(List.of(image), CONFIG.imageSize())[0];
        long misses = backbone.misses();
        float[] again = backbone.features(List.of(image.clone()), CONFIG.imageSize())[0]; // equal pixels, another array
        assertThat(backbone.misses()).isEqualTo(misses);
        assertThat(again).isSameAs(first).hasSize(ImageBackboneSpec.MOBILENET_V2.dim());
        assertThat(backbone.cacheSize()).isLessThanOrEqualTo(backbone.cacheCapacity());
    }

    @Test
    void refusesACheckpointTrainedBesideOtherImageWeights() throws Exception {
        CheckpointFormat.Parts parts = CheckpointFormat.read(checkpoint);
        CheckpointHeader h = parts.header();
        ImageBackboneSpec s = h.imageBackbone();
        ImageBackboneSpec other = new ImageBackboneSpec(s.id(), s.npmPackage(), s.integrity(), s.directory(), s.files(),
                s.layers(), s.inputSize(), "cd".repeat(32), s.dim(), s.views());
        ImageBackboneSpec otherViews = s.withViews(s.id(), List.of("identity", "mirror"));
        for (ImageBackboneSpec recorded : java.util.Arrays.asList(other, otherViews, null)) {
            byte[] tampered = CheckpointFormat.write(new CheckpointHeader(h.config(), h.tags(), h.scaleCount(), h.modelName(),
                    h.version(), h.parent(), h.trainingStep(), h.createdAtMillis(), h.backbone(), recorded), parts.parameters());
            String reason = recorded == null ? "(unrecorded)" : recorded == other ? "cdcdcdcdcdcd" : "views identity+mirror";
            assertThatThrownBy(() -> DualEncoder.load(tampered))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("trained beside image backbone " + (recorded == null ? "(unrecorded)" : "mobilenet-v2"))
                    .hasMessageContaining(reason);
        }
    }
}
