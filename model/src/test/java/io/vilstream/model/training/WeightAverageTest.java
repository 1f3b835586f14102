package io.vilstream.model.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.vilstream.model.Fixture;
import io.vilstream.model.config.ModelConfig;
import io.vilstream.model.tagger.TagVocabulary;
import io.vilstream.model.towers.DualEncoder;
import io.vilstream.model.views.TrainingItem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class WeightAverageTest {

    private static List<TrainingItem> items;
    private static TagVocabulary vocab;

    @BeforeAll
    static void load() {
        items = Fixture.items(ModelConfig.tiny().imageSize());
        vocab = TagVocabulary.build(items.stream().map(TrainingItem::tags).toList(), 1, 512);
    }

    private static float[] firstImage(DualEncoder model) {
        return model.encodeImages(List.of(items.get(0).primaryImage()))[0];
    }

    @Test
    void theAverageIsServedWhileTrainingGoesOnFromTheRawWeights() {
        TrainingConfig config = TrainingConfig.defaults(3, 0).withBatchSize(8).withAveraging(0.9f);
        try (DualEncoder model = DualEncoder.create(ModelConfig.tiny(), vocab, 1)) {
            ContrastiveTrainer trainer = new ContrastiveTrainer(model, config);
            for (int i = 0; i < 5; i++) {
                trainer.step(items.subList(0, 8), List.of());
            }
            float[] raw = firstImage(model);
            float[] served = trainer.withServingWeights(() -> firstImage(model));
            float[] rawAgain = firstImage(model);
            assertThat(served).as("the average differs from the last step's weights").isNotEqualTo(raw);
            assertThat(rawAgain).as("the raw weights are back after serving").containsExactly(raw);
            trainer.finish();
            assertThat(firstImage(model)).as("finish keeps the average").containsExactly(served);
        }
    }

    @Test
    void withoutAveragingTheRawWeightsAreServed() {
        try (DualEncoder model = DualEncoder.create(ModelConfig.tiny(), vocab, 1)) {
            ContrastiveTrainer trainer = new ContrastiveTrainer(model, TrainingConfig.defaults(3, 0).withBatchSize(8));
            trainer.step(items.subList(0, 8), List.of());
            assertThat(trainer.withServingWeights(() -> firstImage(model))).containsExactly(firstImage(model));
        }
    }

    @Test
    void theFirstStepsFollowTheWeightsClosely() {
        // d = min(decay, (1 + n) / (10 + n)): after one update d = 2/11, so the average is mostly the new weights
        try (DualEncoder model = DualEncoder.create(ModelConfig.tiny(), vocab, 1);
             WeightAverage avg = new WeightAverage(model.block(), model.manager(), 0.999f)) {
            ContrastiveTrainer trainer = new ContrastiveTrainer(model, TrainingConfig.defaults(3, 0).withBatchSize(8));
            float[] before = firstImage(model);
            trainer.step(items.subList(0, 8), List.of());
            avg.update();
            float[] after = firstImage(model);
            float[] averaged = avg.apply(() -> firstImage(model));
            assertThat(distance(averaged, after)).isLessThan(distance(averaged, before));
            assertThat(avg.updates()).isEqualTo(1);
        }
    }

    private static double distance(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(s);
    }
}
