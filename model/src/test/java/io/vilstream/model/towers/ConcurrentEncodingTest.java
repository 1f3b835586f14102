package io.vilstream.model.towers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.vilstream.model.Fixture;
import io.vilstream.model.config.ModelConfig;
import io.vilstream.model.tagger.TagVocabulary;
import io.vilstream.model.views.TrainingItem;
import org.junit.jupiter.api.Test;

class ConcurrentEncodingTest {

    @Test
    void manyThreadsEncodingAtOnceGetTheSingleThreadedAnswers() throws Exception {
        List<TrainingItem> items = Fixture.items(ModelConfig.tiny().imageSize()).subList(0, 8);
        List<float[]> images = items.stream().map(TrainingItem::primaryImage).toList();
        List<String> texts = items.stream().map(TrainingItem::caption).toList();
        TagVocabulary vocab = TagVocabulary.build(items.stream().map(TrainingItem::tags).toList(), 1, 64);
        try (DualEncoder model = DualEncoder.create(ModelConfig.tiny(), vocab, 2)) {
            float[][] img = model.encodeImages(images);
            float[][] txt = model.encodeTexts(texts);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<float[][][]>> results = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    results.add(pool.submit(() -> {
                        float[][][] out = null;
                        for (int i = 0; i < 10; i++) {
                            out = new float[][][] {model.encodeImages(images), model.encodeTexts(texts)};
                        }
                        return out;
                    }));
                }
                for (Future<float[][][]> f : results) {
                    float[][][] r = f.get();
                    assertThat(r[0]).isDeepEqualTo(img);
                    assertThat(r[1]).isDeepEqualTo(txt);
                }
            } finally {
                pool.shutdownNow();
            }
            for (float[] v : img) {
                double norm = 0;
                for (float x : v) {
                    norm += x * x;
                }
                assertThat(norm).as("embeddings are L2-normalised").isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-4));
            }
        }
    }
}
