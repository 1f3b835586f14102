package io.vilstream.retriever.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The HNSW index finds nearly what exact search finds, scores agree, and updates and deletes are honoured. */
class HnswIndexTest {

    @Test
    void recallAtTenAgainstExactSearchIsHighOnClusteredVectors() {
        int dim = 64;
        Random rnd = new Random(7);
        float[][] centres = new float[40][];
        for (int c = 0; c < centres.length; c++) {
            centres[c] = ExactIndexTest.unit(rnd, dim);
        }
        ExactIndex exact = new ExactIndex(dim);
        try (HnswIndex hnsw = new HnswIndex(dim, HnswIndex.Params.defaults())) {
            for (int i = 0; i < 3000; i++) {
                float[] v = noisy(centres[i % centres.length], rnd, 0.5f);
                exact.upsert("id" + i, v);
                hnsw.upsert("id" + i, v);
            }
            hnsw.refresh();
            double found = 0;
            int queries = 50;
            for (int q = 0; q < queries; q++) {
                float[] query = noisy(centres[rnd.nextInt(centres.length)], rnd, 0.5f);
                List<ScoredId> truth = exact.search(query, 10);
                List<ScoredId> approx = hnsw.search(query, 10);
                Set<String> t = new HashSet<>(truth.stream().map(ScoredId::id).toList());
                found += approx.stream().filter(h -> t.contains(h.id())).count() / 10.0;
                // a hit's score is its true dot product (Lucene's score scaling is undone)
                assertThat(approx.get(0).score()).isLessThanOrEqualTo(truth.get(0).score() + 1e-4f);
            }
            assertThat(found / queries).as("recall@10").isGreaterThan(0.9);
        }
    }

    @Test
    void updatesAndDeletesAreVisibleAfterRefresh() {
        try (HnswIndex hnsw = new HnswIndex(3, HnswIndex.Params.defaults())) {
            hnsw.upsert("a", new float[] {1, 0, 0});
            hnsw.upsert("b", new float[] {0, 1, 0});
            hnsw.refresh();
            assertThat(hnsw.search(new float[] {0, 1, 0}, 1)).extracting(ScoredId::id).containsExactly("b");
            hnsw.upsert("a", new float[] {0, 1, 0});
            hnsw.remove("b");
            hnsw.refresh();
            List<ScoredId> hits = hnsw.search(new float[] {0, 1, 0}, 5);
            assertThat(hits).extracting(ScoredId::id).containsExactly("a");
            assertThat(hits.get(0).score()).isCloseTo(1.0f, org.assertj.core.data.Offset.offset(1e-5f));
            assertThat(hnsw.size()).isEqualTo(1);
        }
    }

    @Test
    void negativeSimilaritiesMapBackToTheirDotProduct() {
        assertThat(HnswIndex.dotProduct(1 / (1 - -0.5f))).isCloseTo(-0.5f, org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(HnswIndex.dotProduct(1 + 0.25f)).isCloseTo(0.25f, org.assertj.core.data.Offset.offset(1e-6f));
    }

    static float[] noisy(float[] centre, Random rnd, float noise) {
        float[] v = new float[centre.length];
        double n = 0;
        for (int i = 0; i < v.length; i++) {
            v[i] = centre[i] + noise * (float) rnd.nextGaussian() / (float) Math.sqrt(v.length);
            n += v[i] * v[i];
        }
        for (int i = 0; i < v.length; i++) {
            v[i] /= (float) Math.sqrt(n);
        }
        return v;
    }
}
