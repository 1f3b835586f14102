package io.vilstream.trainer.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.vilstream.model.config.ModelConfig;
import io.vilstream.model.eval.RetrievalEvaluator;
import io.vilstream.model.eval.RetrievalMetrics;
import io.vilstream.model.tagger.TagVocabulary;
import io.vilstream.model.towers.DualEncoder;
import io.vilstream.model.views.TrainingItem;
import org.junit.jupiter.api.Test;

/**
 * The gate scores every rendition of a validation item as a query: recall is the mean of the
 * recall with each rendition standing in for the item's image, over the same gallery of captions.
 */
class GateRenditionsTest {

    private static final ModelConfig TINY = ModelConfig.tiny();

    private static float[] image(Random random) {
        int s = TINY.imageSize();
        float[] pixels = new float[3 * s * s];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = random.nextFloat();
        }
        return pixels;
    }

    private static TrainingItem item(int k, List<float[]> images) {
        return new TrainingItem("v" + k, images, "caption number " + k + " word" + (k * 7 % 13), List.of(), List.of("tag"),
                Instant.EPOCH);
    }

    @Test
    void recallIsTheMeanOverRenditionsAndAnItemWithOneRepeatsItsPrimary() {
        Random random = new Random(3);
        List<TrainingItem> items = new ArrayList<>();
        List<TrainingItem> firsts = new ArrayList<>();
        List<TrainingItem> seconds = new ArrayList<>();
        for (int k = 0; k < 24; k++) {
            float[] a = image(random);
            float[] b = image(random);
            boolean single = k % 5 == 0;
            items.add(item(k, single ? List.of(a) : List.of(a, b)));
            firsts.add(item(k, List.of(a)));
            seconds.add(item(k, List.of(single ? a : b)));
        }
        try (DualEncoder model = DualEncoder.create(TINY, TagVocabulary.build(List.of(List.of("tag")), 1, 10), 11)) {
            RetrievalMetrics first = RetrievalEvaluator.evaluate(model, firsts);
            RetrievalMetrics second = RetrievalEvaluator.evaluate(model, seconds);
            RetrievalMetrics both = Gate.retrieval(model, items, 2);

            assertThat(both.queries()).isEqualTo(24);
            assertThat(both.i2t().r5()).isCloseTo((first.i2t().r5() + second.i2t().r5()) / 2, offset(1e-9));
            assertThat(both.t2i().r10()).isCloseTo((first.t2i().r10() + second.t2i().r10()) / 2, offset(1e-9));
            assertThat(Gate.retrieval(model, items, 1)).as("one rendition: the primary, as before").isEqualTo(first);

            Evaluation e = new Gate(GateMetric.MEAN_RECALL, 0.01, 0.01, 2).evaluate(model, items, 1);
            assertThat(e.renditions()).isEqualTo(2);
            assertThat(e.score()).isEqualTo(GateMetric.MEAN_RECALL.score(both));
        }
    }
}
