package io.vilstream.trainer.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.vilstream.datasets.split.Split;
import io.vilstream.model.image.ImageDecoder;
import io.vilstream.model.views.TrainingItem;
import io.vilstream.schemas.avro.ContentEvent;
import io.vilstream.schemas.avro.HardNegatives;
import io.vilstream.schemas.avro.Negative;
import io.vilstream.trainer.Items;
import io.vilstream.trainer.TrainerTestData;
import io.vilstream.trainer.ingest.FreshItem;
import io.vilstream.trainer.ingest.FreshQueue;
import io.vilstream.trainer.negatives.ContentCache;
import io.vilstream.trainer.negatives.HardNegativeQueue;
import io.vilstream.trainer.replay.ReplayBuffer;
import io.vilstream.trainer.replay.ReplayPolicy;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class BatchPlannerTest {

    private static final TopicPartition TP = new TopicPartition("content", 0);

    private final FreshQueue fresh = new FreshQueue();
    private final ReplayBuffer replay = new ReplayBuffer(100, ReplayPolicy.FIFO, 1);
    private final HardNegativeQueue negatives = new HardNegativeQueue(10);
    private final ContentCache cache = new ContentCache(100, new ImageDecoder(32));

    private BatchPlanner planner(int maxHardNegatives) {
        return new BatchPlanner(8, 0.5, 0.25, maxHardNegatives, fresh, replay, negatives, cache);
    }

    private void fresh(List<TrainingItem> items) {
        long o = 0;
        for (TrainingItem i : items) {
            fresh.add(new FreshItem(i, TP, o++));
        }
    }

    @Test
    void withFewerTrainItemsThanABatchNothingIsPlanned() {
        fresh(Items.items("a", 3));
        Items.items("b", 2).forEach(replay::add);
        assertThat(planner(4).plan(true, true)).isEmpty();
        assertThat(fresh.size()).as("nothing taken off the queue").isEqualTo(3);
    }

    @Test
    void newItemsTakeTheirShareAndReplayFillsTheRest() {
        List<TrainingItem> news = Items.items("new", 10);
        fresh(news);
        Items.items("old", 20).forEach(replay::add);
        PlannedBatch b = planner(4).plan(false, true).orElseThrow();
        assertThat(b.anchors()).hasSize(8).extracting(TrainingItem::id).doesNotHaveDuplicates();
        assertThat(b.fresh()).extracting(f -> f.item().id()).containsExactlyElementsOf(news.subList(0, 4).stream()
                .map(TrainingItem::id).toList());
        assertThat(fresh.size()).isEqualTo(6);
    }

    @Test
    void newItemsFillTheBatchWhenTheReplayBufferCannot() {
        fresh(Items.items("new", 10));
        Items.items("old", 2).forEach(replay::add);
        PlannedBatch b = planner(4).plan(false, true).orElseThrow();
        assertThat(b.anchors()).hasSize(8);
        assertThat(b.fresh()).hasSize(6);
    }

    @Test
    void withoutNewItemsNothingIsPlannedUnlessReplayAloneIsAllowed() {
        Items.items("old", 20).forEach(replay::add);
        assertThat(planner(4).plan(false, false)).isEmpty();
        assertThat(planner(4).plan(false, true)).get().extracting(b -> b.anchors().size()).isEqualTo(8);
    }

    @Test
    void queuedNegativesBecomeCandidatesOfTheirAnchorButNeverTheAnchorUnknownOrHeldOutItems() {
        List<TrainingItem> old = Items.items("old", 20);
        old.forEach(replay::add);
        ContentEvent cachedOnly = TrainerTestData.fixtureEvents().stream()
                .filter(e -> Split.of(e.getId()) == Split.TRAIN).findFirst().orElseThrow();
        cache.put(cachedOnly);
        String anchor = old.get(0).id();
        String heldOut = Items.ids("held", Split.TEST, 1).get(0);
        negatives.add(mined(anchor, anchor, old.get(1).id(), heldOut, "unknown", cachedOnly.getId()));

        PlannedBatch inactive = planner(4).plan(false, true).orElseThrow();
        assertThat(inactive.negatives()).as("before the warm-up").isEmpty();
        assertThat(negatives.size()).as("still queued").isEqualTo(1);

        PlannedBatch b = planner(4).plan(true, true).orElseThrow();
        assertThat(b.anchorIds()).contains(anchor);
        assertThat(b.negativeIds()).containsExactly(old.get(1).id(), cachedOnly.getId());
        assertThat(negatives.size()).isZero();
    }

    @Test
    void hardNegativesAreCappedPerStep() {
        List<TrainingItem> old = Items.items("old", 20);
        old.forEach(replay::add);
        negatives.add(mined(old.get(0).id(), old.get(1).id(), old.get(2).id(), old.get(3).id()));
        Optional<PlannedBatch> b = planner(2).plan(true, true);
        assertThat(b).get().extracting(PlannedBatch::negativeIds).asList().hasSize(2);
    }

    private static HardNegatives mined(String anchor, String... ids) {
        List<Negative> list = new ArrayList<>();
        for (String id : ids) {
            list.add(Negative.newBuilder().setContentId(id).setSimilarity(0.5f).build());
        }
        return HardNegatives.newBuilder().setAnchorId(anchor).setNegatives(list).setModelName("m").setModelVersion(1)
                .setMinedAt(Instant.EPOCH).build();
    }
}
