package io.vilstream.model.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import io.vilstream.model.Fixture;
import io.vilstream.model.config.ModelConfig;
import io.vilstream.model.eval.RetrievalEvaluator;
import io.vilstream.model.tagger.TagVocabulary;
import io.vilstream.model.towers.DualEncoder;
import io.vilstream.model.views.TrainingItem;
import org.junit.jupiter.api.Test;

/** Early stopping in the offline loop: the model ends with the weights of its best evaluation. */
class OfflineTrainingTest {

    private static final ModelConfig TINY = ModelConfig.tiny();

    private static DualEncoder model(List<TrainingItem> items) {
        TagVocabulary vocab = TagVocabulary.build(items.stream().map(TrainingItem::tags).toList(), 1, 1024);
        return DualEncoder.create(TINY, vocab, 7);
    }

    @Test
    void keepBestEndsWithTheWeightsOfTheBestEvaluation() {
        List<TrainingItem> items = Fixture.items(TINY.imageSize());
        try (DualEncoder model = model(items)) {
            ContrastiveTrainer trainer = new ContrastiveTrainer(model, TrainingConfig.forModel(TINY, 7, 60).withBatchSize(16));
            List<Double> scores = new ArrayList<>();
            List<Long> at = new ArrayList<>();
            OfflineTraining.Outcome o = OfflineTraining.run(trainer, items, Budget.steps(60), items, 10, 0, true, p -> {
                scores.add(p.eval().meanRecall());
                at.add(p.step().step());
            });

            assertThat(scores).hasSize(6);
            double best = scores.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
            assertThat(o.bestScore()).isEqualTo(best);
            assertThat(o.bestStep()).isEqualTo(at.get(scores.indexOf(best)));
            // the weights in the model are the chosen evaluation's, not the last step's
            assertThat(RetrievalEvaluator.evaluate(model, items).meanRecall()).isEqualTo(best);
        }
    }

    @Test
    void aSnapshotPutsBackTheWeightsAndTheirScores() {
        List<TrainingItem> items = Fixture.items(TINY.imageSize());
        try (DualEncoder model = model(items)) {
            ContrastiveTrainer trainer = new ContrastiveTrainer(model, TrainingConfig.forModel(TINY, 7, 40).withBatchSize(16));
            float[] before = model.encodeImages(List.of(items.get(0).images().get(0)))[0];
            WeightSnapshot snapshot = WeightSnapshot.of(model.block());
            OfflineTraining.run(trainer, items, Budget.steps(40), null, 0, 0, p -> { });
            assertThat(model.encodeImages(List.of(items.get(0).images().get(0)))[0]).isNotEqualTo(before);

            snapshot.restore();
            assertThat(model.encodeImages(List.of(items.get(0).images().get(0)))[0]).containsExactly(before);
        }
    }

    @Test
    void keepBestNeedsSomethingToEvaluate() {
        List<TrainingItem> items = Fixture.items(TINY.imageSize());
        try (DualEncoder model = model(items)) {
            ContrastiveTrainer trainer = new ContrastiveTrainer(model, TrainingConfig.forModel(TINY, 7, 10).withBatchSize(16));
            assertThatThrownBy(() -> OfflineTraining.run(trainer, items, Budget.steps(10), null, 0, 0, true, p -> { }))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keepBest");
        }
    }
}
