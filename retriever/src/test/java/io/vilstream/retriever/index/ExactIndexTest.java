package io.vilstream.retriever.index;

import io.vilstream.model.vectors.SimilarityKernel;
import io.vilstream.model.vectors.ScalarKernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/** Exact search returns exactly the brute-force top k, with either kernel, through updates and removals. */
class ExactIndexTest {

    static float[] unit(Random rnd, int dim) {
        float[] v = new float[dim];
        double n = 0;
        for (int i = 0; i < dim; i++) {
            v[i] = (float) rnd.nextGaussian();
            n += v[i] * v[i];
        }
        for (int i = 0; i < dim; i++) {
            v[i] /= (float) Math.sqrt(n);
        }
        return v;
    }

    static float dot(float[] a, float[] b) {
        float s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    @Test
    void returnsTheBruteForceTopKWithBothKernels() {
        int dim = 100; // not a multiple of any SIMD width: the tail loop is exercised
        Random rnd = new Random(1);
        float[][] data = new float[1003][];
        ExactIndex simd = new ExactIndex(dim);
        ExactIndex scalar = new ExactIndex(dim, new ScalarKernel());
        for (int i = 0; i < data.length; i++) {
            data[i] = unit(rnd, dim);
            simd.upsert("id" + i, data[i]);
            scalar.upsert("id" + i, data[i]);
        }
        for (int q = 0; q < 20; q++) {
            float[] query = unit(rnd, dim);
            List<String> expected = IntStream.range(0, data.length).boxed()
                    .sorted(Comparator.comparingDouble((Integer i) -> -dot(query, data[i])))
                    .limit(10).map(i -> "id" + i).toList();
            List<ScoredId> a = simd.search(query, 10);
            List<ScoredId> b = scalar.search(query, 10);
            assertThat(a).extracting(ScoredId::id).isEqualTo(expected);
            assertThat(b).extracting(ScoredId::id).isEqualTo(expected);
            for (int i = 0; i < 10; i++) {
                assertThat(a.get(i).score()).isCloseTo(b.get(i).score(), org.assertj.core.data.Offset.offset(1e-5f));
            }
        }
    }

    @Test
    void anUpdateReplacesAVectorAndARemovalForgetsIt() {
        ExactIndex index = new ExactIndex(4);
        index.upsert("a", new float[] {1, 0, 0, 0});
        index.upsert("b", new float[] {0, 1, 0, 0});
        index.upsert("c", new float[] {0, 0, 1, 0});
        assertThat(index.search(new float[] {0, 1, 0, 0}, 1)).extracting(ScoredId::id).containsExactly("b");

        index.upsert("c", new float[] {0, 1, 0, 0}); // c now points where b does
        index.remove("b");
        assertThat(index.size()).isEqualTo(2);
        assertThat(index.search(new float[] {0, 1, 0, 0}, 5)).extracting(ScoredId::id).containsExactly("c", "a");
        assertThat(index.remove("b")).isFalse();
    }

    @Test
    void asksForMoreThanItHoldsGetsEverythingSorted() {
        ExactIndex index = new ExactIndex(2);
        index.upsert("x", new float[] {0.6f, 0.8f});
        index.upsert("y", new float[] {1, 0});
        List<ScoredId> hits = index.search(new float[] {1, 0}, 10);
        assertThat(hits).extracting(ScoredId::id).containsExactly("y", "x");
        assertThat(new ExactIndex(2).search(new float[] {1, 0}, 3)).isEmpty();
    }

    @Test
    void refusesVectorsOfAnotherDimension() {
        ExactIndex index = new ExactIndex(3);
        assertThatThrownBy(() -> index.upsert("a", new float[4])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holds 3");
        assertThatThrownBy(() -> index.search(new float[2], 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void usesTheVectorApiWhenTheModuleIsPresent() {
        // the surefire JVM adds jdk.incubator.vector (parent POM), as the launcher does
        assertThat(SimilarityKernel.fastest().name()).startsWith("simd-");
        assertThat(Arrays.asList(new ScalarKernel().name())).containsExactly("scalar");
    }
}
