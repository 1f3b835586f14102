package io.vilstream.encoder.mining;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.vilstream.model.vectors.ScalarKernel;
import io.vilstream.model.vectors.SimilarityKernel;
import io.vilstream.schemas.avro.Negative;
import org.junit.jupiter.api.Test;

class HardNegativeMinerTest {

    private static final int DIM = 40; // not a multiple of the SIMD width: the kernel's tail runs too

    @Test
    void minesTheSameAsABruteForceScanOverTheRecentWindow() {
        int capacity = 300; // wraps around several times and spans two scan blocks
        int k = 4;
        float floor = 0.1f;
        Random rng = new Random(3);
        for (SimilarityKernel kernel : List.of(SimilarityKernel.fastest(), new ScalarKernel())) {
            HardNegativeMiner miner = new HardNegativeMiner(capacity, k, floor, kernel);
            List<String> historyIds = new ArrayList<>();
            List<float[]> history = new ArrayList<>();
            for (int batch = 0; batch < 40; batch++) {
                List<String> ids = new ArrayList<>();
                float[][] vectors = new float[32][];
                for (int i = 0; i < 32; i++) {
                    // ids repeat (content updates) so that self-exclusion and de-duplication matter
                    ids.add("item-" + rng.nextInt(900));
                    vectors[i] = unit(rng, i > 0 && i % 3 == 0 ? vectors[i - 1] : null);
                }
                historyIds.addAll(ids);
                history.addAll(List.of(vectors));
                List<List<Negative>> mined = miner.addAndMine(7, ids, vectors);
                int from = Math.max(0, history.size() - capacity);
                for (int q = 0; q < 32; q++) {
                    List<Negative> expected = bruteForce(ids.get(q), vectors[q], historyIds.subList(from, history.size()),
                            history.subList(from, history.size()), k, floor);
                    assertThat(mined.get(q)).extracting(Negative::getContentId)
                            .as("batch %d item %d (%s)", batch, q, kernel.name())
                            .containsExactlyElementsOf(expected.stream().map(Negative::getContentId).toList());
                    for (int j = 0; j < expected.size(); j++) {
                        assertThat(mined.get(q).get(j).getSimilarity()).isCloseTo(expected.get(j).getSimilarity(),
                                org.assertj.core.data.Offset.offset(1e-4f));
                    }
                }
            }
            assertThat(miner.size()).isEqualTo(capacity);
        }
    }

    @Test
    void aNewModelVersionEmptiesTheWindow() {
        Random rng = new Random(5);
        HardNegativeMiner miner = new HardNegativeMiner(64, 3, -1f);
        float[] v = unit(rng, null);
        miner.addAndMine(1, List.of("a", "b"), new float[][] {v, unit(rng, v)});
        assertThat(miner.size()).isEqualTo(2);
        List<List<Negative>> mined = miner.addAndMine(2, List.of("c"), new float[][] {unit(rng, v)});
        assertThat(miner.size()).isEqualTo(1);
        assertThat(mined.get(0)).as("version 1's embeddings are not candidates for version 2").isEmpty();
    }

    /** The k best rows above the floor that are not the item, most similar first, each id once. */
    private static List<Negative> bruteForce(String self, float[] q, List<String> ids, List<float[]> vectors, int k, float floor) {
        List<Integer> rows = new ArrayList<>();
        for (int j = 0; j < ids.size(); j++) {
            if (!ids.get(j).equals(self) && dot(q, vectors.get(j)) >= floor) {
                rows.add(j);
            }
        }
        rows.sort(Comparator.comparingDouble((Integer j) -> -dot(q, vectors.get(j))));
        Map<String, Float> out = new LinkedHashMap<>();
        for (int j : rows.subList(0, Math.min(k, rows.size()))) {
            out.putIfAbsent(ids.get(j), dot(q, vectors.get(j)));
        }
        List<Negative> list = new ArrayList<>();
        out.forEach((id, s) -> list.add(new Negative(id, s)));
        return list;
    }

    private static float dot(float[] a, float[] b) {
        float s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** A random unit vector, or one near {@code near}. */
    private static float[] unit(Random rng, float[] near) {
        float[] v = new float[DIM];
        double n = 0;
        for (int i = 0; i < DIM; i++) {
            v[i] = (float) rng.nextGaussian() + (near == null ? 0 : 3 * near[i] * (float) Math.sqrt(DIM));
            n += v[i] * v[i];
        }
        for (int i = 0; i < DIM; i++) {
            v[i] /= (float) Math.sqrt(n);
        }
        return v;
    }
}
