package io.vilstream.encoder.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import io.vilstream.modelstore.CheckpointPublisher;
import io.vilstream.modelstore.ModelKeys;
import io.vilstream.modelstore.ModelRegistryState;
import io.vilstream.schemas.avro.ModelStatus;
import org.junit.jupiter.api.Test;

/**
 * A backfill superseded by a newer served version (issue 13, defect 3): the coordinator knows
 * which serving is current, so a backfill whose grace period ends after a newer promotion never
 * begins (it used to begin, and then kept the newer version's backfill from starting at all), and
 * a running one reads itself superseded; its scope limits it to each id's latest content below
 * its target.
 */
class BackfillSupersededTest {

    @Test
    void aVersionPromotedAgainOrPastDuringTheGracePeriodSupersedesTheEarlierServing() {
        BackfillCoordinator c = new BackfillCoordinator(new BackfillCoordinator.Context(null, null, "enc", null, null,
                Duration.ofHours(1), Duration.ofSeconds(1), null, null, null, null));
        try {
            c.onServed(1, 100);
            assertThat(c.superseded(1, 100)).isFalse();
            c.onServed(2, 200); // within the hour of grace: version 1's backfill has not begun
            assertThat(c.superseded(1, 100)).isTrue();
            assertThat(c.superseded(2, 200)).isFalse();
            c.onServed(1, 300); // a rollback to 1: a new serving, not the first one
            assertThat(c.superseded(1, 100)).isTrue();
            assertThat(c.superseded(1, 300)).isFalse();
            assertThat(c.runningVersion()).isEqualTo(-1);
        } finally {
            c.close();
        }
    }

    @Test
    void theScopeIsEachIdsLatestRecordBelowTheTarget() {
        boolean[] superseded = {false};
        java.util.Set<String> touched = new java.util.HashSet<>(java.util.Set.of("e"));
        ContentScope scope = new ContentScope(Map.of(0, 10L, 1, 5L), Map.of("a", 7L, "b", 2L, "e", 4L), Map.of(1, java.util.Set.of(3L)),
                touched::contains, () -> superseded[0], v -> v > 4);

        assertThat(scope.mine("a", 0, 3)).as("older content of a").isFalse();
        assertThat(scope.mine("a", 0, 7)).as("a's latest").isTrue();
        assertThat(scope.mine("c", 0, 9)).as("an id not read (a timed-out read): embedded as it comes").isTrue();
        assertThat(scope.mine("c", 0, 10)).as("at the target: the live encoder's").isFalse();
        assertThat(scope.mine("b", 1, 2)).isTrue();
        assertThat(scope.mine("d", 1, 3)).as("committed into a live buffer, not yet encoded: the live encoder's").isFalse();
        assertThat(scope.mine("b", 2, 2)).as("a partition without a target").isFalse();
        assertThat(scope.mine("e", 0, 4)).as("e's latest below the target, but e has a newer record after it: the live encoder's")
                .isFalse();
        touched.add("a");
        assertThat(scope.mine("a", 0, 7)).as("a updated after the target while the backfill runs").isFalse();
        assertThat(scope.superseded()).isFalse();
        superseded[0] = true;
        assertThat(scope.superseded()).isTrue();
        assertThat(scope.newerServing(5)).isTrue();
        assertThat(scope.newerServing(4)).isFalse();
    }

    @Test
    void versionsAboveTheBackfillsThatWereRolledBackAreNotANewerServing() {
        ModelRegistryState state = new ModelRegistryState("m");
        java.util.function.BiConsumer<Long, ModelStatus> put = (v, status) -> state.apply(ModelKeys.version("m", v),
                CheckpointPublisher.describe("m", v, new byte[] {1}).setStatus(status).setTrainingStep(1).build());
        put.accept(1L, ModelStatus.PROMOTED);
        put.accept(2L, ModelStatus.PROMOTED); // served now: the rollback to 2 made 3 ROLLED_BACK
        put.accept(3L, ModelStatus.ROLLED_BACK);
        put.accept(4L, ModelStatus.REJECTED);
        put.accept(5L, ModelStatus.CANDIDATE); // may be promoted while the backfill runs

        java.util.function.LongPredicate newer = ContentScope.newerServing(state, 2);

        assertThat(newer.test(3)).as("rolled back from: an instance slow to swap still writing it").isFalse();
        assertThat(newer.test(4)).isFalse();
        assertThat(newer.test(5)).isTrue();
        assertThat(newer.test(6)).as("recorded after the backfill began").isTrue();
    }

    @Test
    void theTargetIsWhereTheLiveGroupStoodNotTheEndOfTheTopic() {
        org.apache.kafka.common.TopicPartition p0 = new org.apache.kafka.common.TopicPartition("content", 0);
        org.apache.kafka.common.TopicPartition p1 = new org.apache.kafka.common.TopicPartition("content", 1);
        org.apache.kafka.common.TopicPartition p2 = new org.apache.kafka.common.TopicPartition("content", 2);
        Map<org.apache.kafka.common.TopicPartition, Long> end = Map.of(p0, 100L, p1, 50L, p2, 10L);
        // the live encoder is behind on p0 (a broker pause), caught up on p1, never committed on p2
        Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> live = Map.of(
                p0, new org.apache.kafka.clients.consumer.OffsetAndMetadata(60),
                p1, new org.apache.kafka.clients.consumer.OffsetAndMetadata(50));

        assertThat(BackfillCoordinator.target(end, live)).containsExactlyInAnyOrderEntriesOf(Map.of(p0, 60L, p1, 50L, p2, 0L));
    }
}
