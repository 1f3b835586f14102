package io.vilstream.encoder.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * A backfill is complete when its committed positions reach the end offsets taken at its start
 * and this instance holds no record below them in its buffers; never because nothing moved.
 */
class BackfillProgressTest {

    private static final TopicPartition P0 = new TopicPartition("vilstream.content.v1", 0);
    private static final TopicPartition P1 = new TopicPartition("vilstream.content.v1", 1);
    private static final TopicPartition P2 = new TopicPartition("vilstream.content.v1", 2);

    private final BackfillProgress progress = new BackfillProgress(Map.of(P0, 10L, P1, 5L, P2, 0L));

    @Test
    void aBackfillThatStopsMovingBelowItsTargetIsNotComplete() {
        // partition 0's leader is paused: its committed offset stays at 4 for a long time
        for (int check = 0; check < 100; check++) {
            assertThat(progress.complete(Map.of(P0, 4L, P1, 5L))).as("check %d", check).isFalse();
        }
        assertThat(progress.complete(Map.of(P0, 10L, P1, 5L))).as("the end offsets reached").isTrue();
    }

    @Test
    void everyPartitionWithRecordsMustReachItsTarget() {
        assertThat(progress.complete(Map.of())).isFalse();
        assertThat(progress.complete(Map.of(P0, 10L))).as("partition 1 not committed yet").isFalse();
        assertThat(progress.complete(Map.of(P0, 12L, P1, 7L))).as("past the target: new content").isTrue();
    }

    @Test
    void aRecordBelowTheTargetStillInTheBufferHoldsCompletionBack() {
        progress.held(0, 9); // consumed and committed as buffered, not yet encoded
        progress.held(0, 10); // at the target: content newer than the backfill, not its business
        assertThat(progress.complete(Map.of(P0, 11L, P1, 5L))).isFalse();
        progress.released(0, 9);
        assertThat(progress.complete(Map.of(P0, 11L, P1, 5L))).isTrue();
    }

    @Test
    void aClosedTaskHandsItsBufferedRecordsOn() {
        progress.held(1, 2);
        progress.held(1, 3);
        progress.releasedAll(1); // the task moved to another instance, which restores and encodes them
        assertThat(progress.complete(Map.of(P0, 10L, P1, 5L))).isTrue();
    }
}
