package io.vilstream.trainer.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import io.vilstream.datasets.split.Split;
import io.vilstream.model.views.TrainingItem;
import io.vilstream.trainer.Items;
import org.junit.jupiter.api.Test;

class ValidationSetTest {

    @Test
    void theSameItemsAreChosenWhateverTheArrivalOrder() {
        List<TrainingItem> items = new ArrayList<>(Items.ids("v", Split.VAL, 40).stream().map(Items::item).toList());
        ValidationSet a = new ValidationSet(10);
        items.forEach(a::offer);
        Collections.shuffle(items, new Random(5));
        ValidationSet b = new ValidationSet(10);
        items.forEach(b::offer);
        assertThat(a.size()).isEqualTo(10);
        assertThat(b.items()).extracting(TrainingItem::id).containsExactlyElementsOf(a.items().stream().map(TrainingItem::id).toList());
    }

    @Test
    void theRevisionChangesOnlyWhenTheSetDoes() {
        List<TrainingItem> items = Items.ids("w", Split.VAL, 30).stream().map(Items::item).toList();
        ValidationSet set = new ValidationSet(5);
        items.forEach(set::offer);
        long r = set.revision();
        List<String> kept = set.items().stream().map(TrainingItem::id).toList();
        items.stream().filter(i -> !kept.contains(i.id())).forEach(set::offer); // all rank behind the kept ones
        assertThat(set.revision()).isEqualTo(r);
        set.remove(kept.get(0));
        assertThat(set.revision()).isGreaterThan(r);
        assertThat(set.size()).isEqualTo(4);
    }

    @Test
    void theFingerprintDependsOnTheContentNotTheArrivalOrderOrTheProcess() {
        List<TrainingItem> items = new ArrayList<>(Items.ids("f", Split.VAL, 12).stream().map(Items::item).toList());
        ValidationSet a = new ValidationSet(8);
        items.forEach(a::offer);
        Collections.shuffle(items, new Random(9));
        ValidationSet b = new ValidationSet(8);
        items.forEach(b::offer);
        items.forEach(b::offer); // a second process may have counted more revisions
        assertThat(b.revision()).isNotEqualTo(a.revision());
        assertThat(b.fingerprint()).isEqualTo(a.fingerprint());

        TrainingItem kept = a.items().get(0);
        a.offer(new TrainingItem(kept.id(), kept.images(), "a new caption", kept.otherCaptions(), kept.tags(), kept.eventTime()));
        assertThat(a.fingerprint()).as("an item's content changed").isNotEqualTo(b.fingerprint());
    }
}
