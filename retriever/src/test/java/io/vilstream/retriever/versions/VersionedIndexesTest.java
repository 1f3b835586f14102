package io.vilstream.retriever.versions;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import io.vilstream.model.image.ImageDecoder;
import io.vilstream.retriever.index.ExactIndex;
import io.vilstream.retriever.testing.FixtureEmbeddings;
import io.vilstream.schemas.avro.Modality;
import org.junit.jupiter.api.Test;

/**
 * Which versions are held and which items a version holds, without towers or a broker: an
 * item counts only with both halves; at most N versions are held, the newest ones plus the
 * served and the target, whatever order their records arrive in; a tombstone removes an item
 * everywhere; other models' records are ignored.
 */
class VersionedIndexesTest {

    static final String MODEL = "m";

    static VersionedIndexes versions(int max) {
        return new VersionedIndexes(MODEL, ExactIndex::new, max, new ServingPolicy(true), v -> {
            throw new IllegalStateException("no towers in this test");
        }, new ImageDecoder.Limits(1000, 1000), Clock.systemUTC());
    }

    static void both(VersionedIndexes v, String id, long version) {
        v.apply(FixtureEmbeddings.record(id, Modality.IMAGE, MODEL, version, new float[] {1, 0}));
        v.apply(FixtureEmbeddings.record(id, Modality.TEXT, MODEL, version, new float[] {0, 1}));
    }

    @Test
    void anItemIsSearchableOnlyWithBothHalvesOfItsVersion() {
        VersionedIndexes v = versions(3);
        assertThat(v.apply(FixtureEmbeddings.record("a", Modality.IMAGE, MODEL, 1, new float[] {1, 0})))
                .isEqualTo(VersionedIndexes.Outcome.INDEXED);
        assertThat(v.index(1).orElseThrow().items()).isZero();
        assertThat(v.index(1).orElseThrow().pendingImages()).isEqualTo(1);
        assertThat(v.apply(FixtureEmbeddings.record("a", Modality.TEXT, MODEL, 1, new float[] {0, 1})))
                .isEqualTo(VersionedIndexes.Outcome.COMPLETED);
        assertThat(v.index(1).orElseThrow().ids()).containsExactly("a");
        assertThat(v.apply(FixtureEmbeddings.record("a", Modality.TEXT, "other-model", 1, new float[] {0, 1})))
                .isEqualTo(VersionedIndexes.Outcome.OTHER_MODEL);
        assertThat(v.apply(FixtureEmbeddings.record("b", Modality.TEXT, MODEL, 1, new float[] {0, 1, 0})))
                .isEqualTo(VersionedIndexes.Outcome.DIMENSION_MISMATCH);

        v.delete("a");
        assertThat(v.index(1).orElseThrow().items()).isZero();
    }

    @Test
    void holdsTheNewestVersionsPlusTheTargetWhateverTheArrivalOrder() {
        VersionedIndexes v = versions(2);
        v.target(1);
        List<Long> arrival = new ArrayList<>(List.of(3L, 0L, 1L, 2L, 4L, 0L));
        for (long version : arrival) {
            both(v, "x" + version, version);
        }
        // places: the target 1, then the newest other, 4 (0 and 3 made way; 2 found no place; 0 stays dropped)
        assertThat(v.heldVersions()).containsExactly(1L, 4L);
        assertThat(v.apply(FixtureEmbeddings.record("y", Modality.IMAGE, MODEL, 3, new float[] {1, 0})))
                .isEqualTo(VersionedIndexes.Outcome.VERSION_DROPPED);
    }

    @Test
    void aDroppedVersionThatBecomesTheTargetAsksForARereadOfTheTopics() {
        VersionedIndexes v = versions(2);
        List<Long> rewinds = new ArrayList<>();
        v.onRewindNeeded(rewinds::add);
        v.target(5);
        both(v, "a", 1);
        both(v, "a", 5);
        both(v, "a", 6); // takes 1's place
        assertThat(v.heldVersions()).containsExactly(5L, 6L);
        v.target(1);
        assertThat(rewinds).containsExactly(1L);
        both(v, "a", 1); // the re-read brings it back
        assertThat(v.heldVersions()).contains(1L);
    }
}
