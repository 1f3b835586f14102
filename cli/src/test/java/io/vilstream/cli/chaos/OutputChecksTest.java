package io.vilstream.cli.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import io.vilstream.schemas.topics.VilstreamTopic;
import org.junit.jupiter.api.Test;

/** The end-of-run checks on made-up topic contents: what they accept, what they call a violation. */
class OutputChecksTest {

    private final List<Ledger.Content> content = new ArrayList<>();
    private final List<Ledger.Output> outputs = new ArrayList<>();
    private final List<Ledger.Dead> dlq = new ArrayList<>();

    private void produce(String id, long eventTime, String hash) {
        content.add(new Ledger.Content(0, content.size(), id, eventTime, hash));
    }

    private void embed(String id, long version, long eventTime) {
        for (VilstreamTopic t : List.of(VilstreamTopic.EMBEDDINGS_IMAGE, VilstreamTopic.EMBEDDINGS_TEXT)) {
            outputs.add(new Ledger.Output(t, 0, outputs.size(), id, version, eventTime));
        }
    }

    private void tombstones(String id) {
        for (VilstreamTopic t : List.of(VilstreamTopic.EMBEDDINGS_IMAGE, VilstreamTopic.EMBEDDINGS_TEXT, VilstreamTopic.TAGS)) {
            outputs.add(new Ledger.Output(t, 0, outputs.size(), id, -1, 0));
        }
    }

    private Ledger.Snapshot snapshot() {
        return new Ledger.Snapshot(content, outputs, dlq);
    }

    @Test
    void anIdIsAccountedForByItsLatestContentEmbeddedByTheFinalVersionTheDlqOrADelete() {
        produce("a", 1, "h1");
        produce("a", 2, "h2");
        embed("a", 0, 1);
        embed("a", 1, 2);
        produce("gone", 3, "h3");
        embed("gone", 0, 3);
        produce("gone", 4, null);
        tombstones("gone");
        produce("x-bad-1", 5, "h5");
        dlq.add(new Ledger.Dead("x-bad-1", 0, 4, "NOT_AN_IMAGE"));

        CheckResult r = OutputChecks.accounted(snapshot(), 1, id -> id.contains("-bad-"));

        assertThat(r.outcome()).as(r.detail()).isEqualTo(CheckResult.Outcome.PASS);
        assertThat(r.counts()).containsEntry("embedded", 1L).containsEntry("deleted", 1L).containsEntry("dlq", 1L);
    }

    @Test
    void latestContentEmbeddedOnlyByAnOlderVersionOrAnEmbeddingAfterTheDeleteIsUnaccounted() {
        produce("a", 1, "h1");
        embed("a", 0, 1);
        produce("gone", 2, "h2");
        produce("gone", 3, null);
        tombstones("gone");
        embed("gone", 1, 2); // came out after the delete

        CheckResult r = OutputChecks.accounted(snapshot(), 1, id -> false);

        assertThat(r.outcome()).isEqualTo(CheckResult.Outcome.FAIL);
        assertThat(r.counts()).containsEntry("unaccounted", 2);
    }

    @Test
    void theSameContentProducedTwiceMayBeEmbeddedTwiceButNotThreeTimes() {
        produce("a", 1, "h");
        produce("a", 2, "h");
        embed("a", 1, 1);
        embed("a", 1, 2);
        assertThat(OutputChecks.noDuplicates(snapshot(), List.of()).outcome()).isEqualTo(CheckResult.Outcome.PASS);

        embed("a", 1, 2);
        CheckResult r = OutputChecks.noDuplicates(snapshot(), List.of());
        assertThat(r.outcome()).isEqualTo(CheckResult.Outcome.FAIL);
        assertThat(r.counts()).containsEntry("duplicates", 2); // image and text
    }

    @Test
    void aRollbackToAVersionAllowsItsBackfillToEmbedAgain() {
        produce("a", 1, "h");
        embed("a", 1, 1);
        embed("a", 2, 1);
        embed("a", 1, 1);

        assertThat(OutputChecks.noDuplicates(snapshot(), List.of()).outcome()).isEqualTo(CheckResult.Outcome.FAIL);
        assertThat(OutputChecks.noDuplicates(snapshot(), List.of(new OutputChecks.Rollback(2, 1))).outcome())
                .isEqualTo(CheckResult.Outcome.PASS);
    }

    @Test
    void anEmbeddingOfNoProducedEventIsAnOrphan() {
        produce("a", 1, "h");
        embed("a", 0, 99);

        CheckResult r = OutputChecks.noDuplicates(snapshot(), List.of());

        assertThat(r.outcome()).isEqualTo(CheckResult.Outcome.FAIL);
        assertThat(r.counts()).containsEntry("orphans", 2);
    }

    @Test
    void versionsGoingBackAreAViolationUnlessARollbackExplainsThem() {
        produce("a", 1, "h");
        embed("a", 3, 1);
        embed("a", 2, 1);

        assertThat(OutputChecks.versionsMonotonic(snapshot(), List.of()).outcome()).isEqualTo(CheckResult.Outcome.FAIL);
        CheckResult explained = OutputChecks.versionsMonotonic(snapshot(), List.of(new OutputChecks.Rollback(3, 2)));
        assertThat(explained.outcome()).isEqualTo(CheckResult.Outcome.PASS);
        assertThat(explained.counts()).containsEntry("after_rollback", 2L);
    }

    @Test
    void aDeleteStartsTheIdOver() {
        produce("a", 1, "h");
        embed("a", 3, 1);
        tombstones("a");
        embed("a", 0, 1);

        assertThat(OutputChecks.versionsMonotonic(snapshot(), List.of()).outcome()).isEqualTo(CheckResult.Outcome.PASS);
    }

    @Test
    void olderContentWrittenAfterNewerContentIsStaleWhileTheSameContentSentAgainIsNot() {
        produce("a", 1, "h1");
        produce("a", 2, "h2");
        embed("a", 1, 2);
        embed("a", 1, 1); // a backfill re-embedding a's older content after the live encoder embedded the newer
        produce("b", 3, "hb");
        produce("b", 4, "hb"); // the same content sent again
        embed("b", 1, 4);
        embed("b", 1, 3); // its first send embedded last: the same content, not stale
        produce("c", 5, "hc");
        embed("c", 1, 5);
        embed("c", 0, 5); // an older version written last

        CheckResult r = OutputChecks.latestLast(snapshot(), 1);

        assertThat(r.outcome()).isEqualTo(CheckResult.Outcome.FAIL);
        assertThat(r.counts()).containsEntry("checked", 6L).containsEntry("stale", 4);
        assertThat(r.detail()).contains("a on ").contains("older content h1").contains("c on ").doesNotContain("b on ");
        assertThat(OutputChecks.accounted(snapshot(), 1, id -> false).outcome())
                .as("every id has its latest content embedded by v1 somewhere: only the last-record check sees it")
                .isEqualTo(CheckResult.Outcome.PASS);
    }

    @Test
    void aTransactionOpenLongerThanTheLimitIsHanging() {
        OutputChecks.OpenTransaction young = new OutputChecks.OpenTransaction("vilstream.tags.v1-0", 7, 2, 100, 50);
        OutputChecks.OpenTransaction old = new OutputChecks.OpenTransaction("vilstream.tags.v1-1", 8, 0, 3731, 10);

        CheckResult fine = OutputChecks.noHangingTransactions(List.of(young), 100, 68);
        CheckResult hanging = OutputChecks.noHangingTransactions(List.of(young, old), 100, 68);

        assertThat(fine.outcome()).isEqualTo(CheckResult.Outcome.PASS);
        assertThat(hanging.outcome()).isEqualTo(CheckResult.Outcome.FAIL);
        assertThat(hanging.detail()).contains("vilstream.tags.v1-1", "producer 8", "offset 3731").doesNotContain("producer 7");
        assertThat(hanging.counts()).containsEntry("open", 2).containsEntry("hanging", 1);
    }
}
