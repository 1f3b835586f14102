package io.vilstream.retriever.versions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.List;

import io.vilstream.model.eval.HubnessCorrection;
import io.vilstream.retriever.index.ExactIndex;
import io.vilstream.retriever.index.HnswIndex;
import io.vilstream.retriever.index.ScoredId;
import io.vilstream.schemas.avro.Modality;
import org.junit.jupiter.api.Test;

/**
 * Searches rank as the evaluator does: cosine less half the result's hubness against the other
 * gallery, so a caption near every image stops taking every image's first place.
 */
class VersionIndexRankingTest {

    static final int DIM = 8;

    static float[] vec(double a, double b, int axis) {
        float[] v = new float[DIM];
        v[0] += (float) a;
        v[axis] += (float) b;
        double n = Math.sqrt(a * a + b * b);
        for (int i = 0; i < DIM; i++) {
            v[i] /= (float) n;
        }
        return v;
    }

    /** Items 1..5 lean to their own axis by caption, to e0 by image; "hub"'s caption is e0. */
    static VersionIndex scene(HubnessCorrection ranking) {
        VersionIndex index = new VersionIndex(1, DIM, new ExactIndex(DIM), new ExactIndex(DIM), ranking);
        for (int i = 1; i <= 5; i++) {
            index.put("item-" + i, Modality.IMAGE, vec(0.8, 0.6, i));
            index.put("item-" + i, Modality.TEXT, vec(0.2, 0.98, i));
        }
        index.put("hub", Modality.IMAGE, vec(0.8, 0.6, 7));
        index.put("hub", Modality.TEXT, vec(1, 0, 7));
        return index;
    }

    @Test
    void aHubCaptionNoLongerComesFirstForEveryImage() {
        try (VersionIndex plain = scene(HubnessCorrection.NONE); VersionIndex corrected = scene(HubnessCorrection.DEFAULT)) {
            float[] query = vec(0.8, 0.6, 3);
            assertThat(plain.searchTexts(query, 3).get(0).id()).as("by cosine alone").isEqualTo("hub");
            List<ScoredId> hits = corrected.searchTexts(query, 3);
            assertThat(hits.get(0).id()).isEqualTo("item-3");
            assertThat(hits).hasSize(3).isSortedAccordingTo((a, b) -> Float.compare(b.score(), a.score()));
        }
    }

    @Test
    void aResultsScoreIsItsCosineLessHalfItsMeanSimilarityToItsFiveNearestImages() {
        try (VersionIndex index = scene(HubnessCorrection.DEFAULT)) {
            float[] query = vec(0.8, 0.6, 3);
            ScoredId hub = index.searchTexts(query, 6).stream().filter(h -> h.id().equals("hub")).findFirst().orElseThrow();
            // the hub caption e0 has cosine 0.8 with every image, so its hubness is 0.8
            assertThat(hub.score()).isCloseTo(0.8f - 0.5f * 0.8f, offset(1e-5f));
        }
    }

    @Test
    void hubnessFollowsTheGalleryOnceItHasChangedEnough() {
        try (VersionIndex index = new VersionIndex(1, DIM, new ExactIndex(DIM), new ExactIndex(DIM), HubnessCorrection.DEFAULT)) {
            index.put("a", Modality.IMAGE, vec(0, 1, 1));
            index.put("a", Modality.TEXT, vec(0, 1, 1));
            float first = index.searchTexts(vec(0, 1, 1), 1).get(0).score();
            assertThat(first).as("its only neighbour is its own image").isCloseTo(1 - 0.5f, offset(1e-5f));
            // many far images: "a"'s caption's 5 nearest images now include 4 orthogonal ones
            for (int i = 0; i < VersionIndex.STALE_MIN_WRITES + 1; i++) {
                index.put("far-" + i, Modality.IMAGE, vec(0, 1, 2 + i % 5));
                index.put("far-" + i, Modality.TEXT, vec(0, 1, 2 + i % 5));
            }
            float later = index.searchTexts(vec(0, 1, 1), 1).get(0).score();
            assertThat(later).isCloseTo(1 - 0.5f * (1 / 5f), offset(1e-5f));
        }
    }

    @Test
    void aRemovedItemLeavesTheRanking() {
        try (VersionIndex index = scene(HubnessCorrection.DEFAULT)) {
            index.remove("item-3");
            assertThat(index.searchTexts(vec(0.8, 0.6, 3), 6)).extracting(ScoredId::id).doesNotContain("item-3").hasSize(5);
        }
    }

    @Test
    void hnswGalleriesRankTheSameWay() {
        try (VersionIndex index = new VersionIndex(1, DIM, new HnswIndex(DIM, HnswIndex.Params.defaults()),
                new HnswIndex(DIM, HnswIndex.Params.defaults()), HubnessCorrection.DEFAULT)) {
            for (int i = 1; i <= 5; i++) {
                index.put("item-" + i, Modality.IMAGE, vec(0.8, 0.6, i));
                index.put("item-" + i, Modality.TEXT, vec(0.2, 0.98, i));
            }
            index.put("hub", Modality.IMAGE, vec(0.8, 0.6, 7));
            index.put("hub", Modality.TEXT, vec(1, 0, 7));
            index.refresh();
            assertThat(index.searchTexts(vec(0.8, 0.6, 3), 3).get(0).id()).isEqualTo("item-3");
        }
    }
}
