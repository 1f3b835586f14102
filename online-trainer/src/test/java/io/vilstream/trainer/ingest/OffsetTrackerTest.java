package io.vilstream.trainer.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {

    private static final TopicPartition TP = new TopicPartition("content", 0);

    @Test
    void anItemNotYetTrainedHoldsItsPartitionsCommitPoint() {
        OffsetTracker t = new OffsetTracker();
        for (long o = 0; o < 10; o++) {
            t.consumed(TP, o);
        }
        t.hold(TP, 4);
        t.hold(TP, 7);
        assertThat(t.committable()).containsEntry(TP, new OffsetAndMetadata(4));
        t.release(TP, 4);
        assertThat(t.committable()).containsEntry(TP, new OffsetAndMetadata(7));
        t.release(TP, 7);
        assertThat(t.committable()).containsEntry(TP, new OffsetAndMetadata(10));
    }

    @Test
    void reReadingFromTheBeginningNeverMovesTheCommitPointBack() {
        OffsetTracker t = new OffsetTracker();
        t.startedAt(TP, 50);
        t.consumed(TP, 3);
        assertThat(t.committable()).containsEntry(TP, new OffsetAndMetadata(50));
    }
}
