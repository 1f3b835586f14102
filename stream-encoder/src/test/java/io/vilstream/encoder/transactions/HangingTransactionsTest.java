package io.vilstream.encoder.transactions;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import io.vilstream.encoder.transactions.HangingTransactions.Open;
import io.vilstream.encoder.transactions.HangingTransactions.Verdict;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The rule that decides a hanging transaction: only a coordinator-proven abort is ended here. */
class HangingTransactionsTest {

    private static final TopicPartition TP = new TopicPartition("vilstream.embeddings.image.v1", 1);
    private static final Duration AFTER = Duration.ofSeconds(60);
    /** As seen in a chaos run: producer 14, epoch 37, open from offset 662, first seen at t = 0. */
    private static final Open OPEN = new Open(TP, 14, 37, -1, 662, 0);

    private static Optional<TransactionDescription> coordinator(long pid, TransactionState state, int epoch, Set<TopicPartition> tps) {
        return Optional.of(new TransactionDescription(1, state, pid, epoch, 8000, OptionalLong.of(0), tps));
    }

    @Test
    void aTransactionYoungerThanTheLimitWaits() {
        assertThat(HangingTransactions.judge(OPEN, Optional.empty(), 59_999, AFTER)).isEqualTo(Verdict.WAIT);
    }

    @Test
    void aTransactionItsCoordinatorStillHasOpenOnThePartitionWaits() {
        assertThat(HangingTransactions.judge(OPEN, coordinator(14, TransactionState.ONGOING, 37, Set.of(TP)), 600_000, AFTER))
                .isEqualTo(Verdict.WAIT);
        assertThat(HangingTransactions.judge(OPEN, coordinator(14, TransactionState.PREPARE_ABORT, 38, Set.of(TP)), 600_000, AFTER))
                .as("its markers are on their way").isEqualTo(Verdict.WAIT);
    }

    @Test
    void aTransactionItsCoordinatorAbortedIsEnded() {
        // the chaos run's case: CompleteAbort at the next epoch, the partition list already cleared
        assertThat(HangingTransactions.judge(OPEN, coordinator(14, TransactionState.COMPLETE_ABORT, 38, Set.of()), 60_000, AFTER))
                .isEqualTo(Verdict.ABORT);
    }

    @Test
    void aTransactionWhoseProducerHasCompletedALaterOneIsEnded() {
        // the second chaos run's case: epoch 170 open on a changelog partition, the coordinator at CompleteAbort 173, then Empty 174
        assertThat(HangingTransactions.judge(OPEN, coordinator(14, TransactionState.COMPLETE_ABORT, 40, Set.of()), 60_000, AFTER))
                .isEqualTo(Verdict.ABORT);
        assertThat(HangingTransactions.judge(OPEN, coordinator(14, TransactionState.EMPTY, 41, Set.of()), 60_000, AFTER))
                .isEqualTo(Verdict.ABORT);
        assertThat(HangingTransactions.judge(OPEN, coordinator(14, TransactionState.ONGOING, 40, Set.of()), 60_000, AFTER))
                .as("a later transaction, elsewhere").isEqualTo(Verdict.ABORT);
        assertThat(HangingTransactions.judge(OPEN, coordinator(14, TransactionState.ONGOING, 40, Set.of(TP)), 60_000, AFTER))
                .as("a later transaction on this partition: its marker will end this one too").isEqualTo(Verdict.WAIT);
    }

    @Test
    void anyOtherHangingTransactionIsLeftToAnOperator() {
        assertThat(HangingTransactions.judge(OPEN, coordinator(14, TransactionState.COMPLETE_COMMIT, 38, Set.of()), 60_000, AFTER))
                .as("committed: an abort marker would drop committed output").isEqualTo(Verdict.REPORT);
        assertThat(HangingTransactions.judge(OPEN, coordinator(14, TransactionState.COMPLETE_ABORT, 37, Set.of()), 60_000, AFTER))
                .as("same epoch: a later transaction's abort (transactions v1)").isEqualTo(Verdict.REPORT);
        assertThat(HangingTransactions.judge(OPEN, coordinator(14, TransactionState.ONGOING, 37, Set.of()), 60_000, AFTER))
                .as("ongoing, but not on this partition").isEqualTo(Verdict.REPORT);
        assertThat(HangingTransactions.judge(OPEN, coordinator(99, TransactionState.COMPLETE_ABORT, 38, Set.of()), 60_000, AFTER))
                .as("another producer id").isEqualTo(Verdict.REPORT);
        assertThat(HangingTransactions.judge(OPEN, Optional.empty(), 60_000, AFTER))
                .as("no transactional id has the producer any more").isEqualTo(Verdict.REPORT);
    }
}
