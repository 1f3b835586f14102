package io.vilstream.trainer.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.vilstream.model.views.TrainingItem;
import io.vilstream.trainer.Items;
import org.junit.jupiter.api.Test;

class ReplayBufferTest {

    @Test
    void fifoKeepsTheNewestItems() {
        ReplayBuffer b = new ReplayBuffer(3, ReplayPolicy.FIFO, 1);
        List<TrainingItem> items = Items.items("f", 5);
        items.forEach(b::add);
        assertThat(b.ids()).containsExactly(items.get(2).id(), items.get(3).id(), items.get(4).id());
    }

    @Test
    void reservoirKeepsAUniformSampleOfEverythingOffered() {
        ReplayBuffer b = new ReplayBuffer(100, ReplayPolicy.RESERVOIR, 7);
        List<TrainingItem> items = Items.items("r", 1000);
        items.forEach(b::add);
        Set<String> firstHalf = new HashSet<>(items.subList(0, 500).stream().map(TrainingItem::id).toList());
        long old = b.ids().stream().filter(firstHalf::contains).count();
        assertThat(b.size()).isEqualTo(100);
        // uniform: about 50 of 100 from the first half (FIFO would keep none)
        assertThat(old).isBetween(30L, 70L);
    }

    @Test
    void aNewerEventOfTheSameContentReplacesItsItemInPlace() {
        ReplayBuffer b = new ReplayBuffer(3, ReplayPolicy.FIFO, 1);
        List<TrainingItem> items = Items.items("u", 3);
        items.forEach(b::add);
        TrainingItem updated = new TrainingItem(items.get(0).id(), items.get(0).images(), "new caption", List.of(),
                List.of(), items.get(0).eventTime());
        b.add(updated);
        assertThat(b.size()).isEqualTo(3);
        assertThat(b.ids().get(0)).isEqualTo(items.get(0).id());
        assertThat(b.get(items.get(0).id())).get().extracting(TrainingItem::caption).isEqualTo("new caption");
    }

    @Test
    void samplesAreDistinctAndSkipExcludedIds() {
        ReplayBuffer b = new ReplayBuffer(10, ReplayPolicy.FIFO, 3);
        List<TrainingItem> items = Items.items("s", 10);
        items.forEach(b::add);
        Set<String> exclude = Set.of(items.get(0).id(), items.get(1).id());
        List<TrainingItem> s = b.sample(20, exclude);
        assertThat(s).hasSize(8).extracting(TrainingItem::id).doesNotHaveDuplicates().doesNotContainAnyElementsOf(exclude);
    }
}
