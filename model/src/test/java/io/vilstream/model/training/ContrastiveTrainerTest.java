package io.vilstream.model.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import io.vilstream.model.Fixture;
import io.vilstream.model.config.ModelConfig;
import io.vilstream.model.tagger.TagVocabulary;
import io.vilstream.model.towers.DualEncoder;
import io.vilstream.model.towers.DualEncoderBlock;
import io.vilstream.model.views.TrainingItem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ContrastiveTrainerTest {

    private static List<TrainingItem> items;
    private static TagVocabulary vocab;

    @BeforeAll
    static void load() {
        items = Fixture.items(ModelConfig.tiny().imageSize());
        vocab = TagVocabulary.build(items.stream().map(TrainingItem::tags).toList(), 1, 512);
    }

    private static TrainingConfig config() {
        return TrainingConfig.defaults(3, 0).withBatchSize(8).withHardNegatives(0, 4);
    }

    @Test
    void gradientsReachEveryParameterOfBothTowersTheTaggerAndTheScales() {
        try (DualEncoder model = DualEncoder.create(ModelConfig.tiny(), vocab, 1)) {
            ContrastiveTrainer trainer = new ContrastiveTrainer(model, config());
            Map<String, Float> norms = trainer.gradientNorms(items.subList(0, 8), items.subList(8, 12));
            // DJL names parameters by their block path, e.g. "01image_01stages_01Conv2d_weight"
            assertThat(norms.keySet()).anyMatch(k -> k.contains("image_"))
                    .anyMatch(k -> k.contains("text_"))
                    .anyMatch(k -> k.contains("tagger_"))
                    .anyMatch(k -> k.contains("imageProjection_"))
                    .anyMatch(k -> k.contains("textProjection_"))
                    .anyMatch(k -> k.contains("logitScales"));
            assertThat(norms).allSatisfy((name, norm) ->
                    assertThat(norm).as("gradient norm of %s", name).isPositive().isFinite());
            assertThat(trainer.step()).as("a diagnostic pass is not a step").isZero();
        }
    }

    @Test
    void hardNegativesBecomeExtraCandidatesButNeverAnchorsOfTheirOwnBatch() {
        try (DualEncoder model = DualEncoder.create(ModelConfig.tiny(), vocab, 1)) {
            ContrastiveTrainer trainer = new ContrastiveTrainer(model, config());
            List<TrainingItem> batch = items.subList(0, 8);
            // two outside the batch, one that is an anchor already: only the two count
            StepResult r = trainer.step(batch, List.of(items.get(10), items.get(11), items.get(0)));
            assertThat(r.hardNegatives()).isEqualTo(2);
        }
    }

    @Test
    void hardNegativesWaitForTheirWarmUp() {
        try (DualEncoder model = DualEncoder.create(ModelConfig.tiny(), vocab, 1)) {
            ContrastiveTrainer trainer = new ContrastiveTrainer(model, config().withHardNegatives(2, 4));
            List<TrainingItem> neg = List.of(items.get(20));
            assertThat(trainer.step(items.subList(0, 8), neg).hardNegatives()).isZero();
            assertThat(trainer.step(items.subList(0, 8), neg).hardNegatives()).isZero();
            assertThat(trainer.step(items.subList(0, 8), neg).hardNegatives()).isEqualTo(1);
        }
    }

    @Test
    void logitScalesStartAtTheCLIPTemperatureAndStayClamped() {
        try (DualEncoder model = DualEncoder.create(ModelConfig.tiny(), vocab, 1)) {
            assertThat(model.logitScales()).containsOnly(DualEncoderBlock.INITIAL_LOGIT_SCALE);
            // a huge learning rate pushes the scales hard; the clamp must hold them in [0, ln 100]
            TrainingConfig wild = config().withSchedule(new LearningRateSchedule(5f, 5f, 0, 0));
            ContrastiveTrainer trainer = new ContrastiveTrainer(model, wild);
            for (int i = 0; i < 3; i++) {
                StepResult r = trainer.step(items.subList(8 * i, 8 * i + 8), List.of());
                for (float s : r.logitScales()) {
                    assertThat(s).isBetween(0f, DualEncoderBlock.MAX_LOGIT_SCALE);
                }
            }
        }
    }

    @Test
    void garbageCollectionDuringTrainingNeverCorruptsGradients() throws Exception {
        // regression: scalars that autograd keeps must not live in buffers the GC can free (see Scalars)
        Thread collector = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                System.gc();
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        collector.setDaemon(true);
        collector.start();
        try (DualEncoder model = DualEncoder.create(ModelConfig.tiny(), vocab, 9)) {
            ContrastiveTrainer trainer = new ContrastiveTrainer(model, config());
            for (int i = 0; i < 30; i++) {
                int from = (8 * i) % (items.size() - 8);
                StepResult r = trainer.step(items.subList(from, from + 8), items.subList(28, 32));
                assertThat(r.loss()).as("loss at step %d", i).isFinite();
            }
            assertThat(trainer.skippedSteps()).isZero();
        } finally {
            collector.interrupt();
            collector.join();
        }
    }

    @Test
    void theCaptionBankKeepsTheMostRecentlyTrainedCaptionsUpToItsSize() {
        try (DualEncoder model = DualEncoder.create(ModelConfig.tiny(), vocab, 1)) {
            ContrastiveTrainer trainer = new ContrastiveTrainer(model, config().withCaptionBank(10));
            trainer.step(items.subList(0, 8), List.of());
            assertThat(trainer.captionBankSize()).isEqualTo(8);
            trainer.step(items.subList(8, 16), List.of());
            trainer.step(items.subList(16, 24), List.of());
            assertThat(trainer.captionBankSize()).as("bounded").isEqualTo(10);
        }
    }

    @Test
    void bankedCaptionsAreExtraImageToCaptionCandidates() {
        // the same weights and batches with and without a bank: the first step is the same (the
        // bank is empty), the second has the first batch's captions as extra candidates, so its
        // image-caption loss (a log-sum-exp over more columns) is strictly higher
        float[] with = imageTextLosses(config().withCaptionBank(64));
        float[] without = imageTextLosses(config());
        assertThat(with[0]).isEqualTo(without[0]);
        assertThat(with[1]).isGreaterThan(without[1]);
    }

    private static float[] imageTextLosses(TrainingConfig c) {
        try (DualEncoder model = DualEncoder.create(ModelConfig.tiny(), vocab, 5)) {
            ContrastiveTrainer trainer = new ContrastiveTrainer(model, c);
            float first = trainer.step(items.subList(0, 8), List.of()).terms().get("I-T");
            float second = trainer.step(items.subList(8, 16), List.of()).terms().get("I-T");
            return new float[] {first, second};
        }
    }

    @Test
    void trainingIsBitIdenticalForOneSeed() {
        float[][] first = trainAndEmbed();
        float[][] second = trainAndEmbed();
        assertThat(first).isDeepEqualTo(second);
    }

    private static float[][] trainAndEmbed() {
        try (DualEncoder model = DualEncoder.create(ModelConfig.tiny(), vocab, 11)) {
            ContrastiveTrainer trainer = new ContrastiveTrainer(model, config());
            for (int i = 0; i < 4; i++) {
                trainer.step(items.subList(4 * i, 4 * i + 8), items.subList(24, 28));
            }
            return model.encodeTexts(List.of("grinning cat", "red heart", "flag: France"));
        }
    }
}
