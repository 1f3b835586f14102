package io.vilstream.trainer;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.vilstream.datasets.split.Split;
import io.vilstream.model.views.TrainingItem;

/** Synthetic training items for the fast tests: ids of a chosen split, a blank 2×2 image. */
public final class Items {

    private Items() {
    }

    public static TrainingItem item(String id) {
        return new TrainingItem(id, List.of(new float[12]), "caption of " + id, List.of(), List.of("tag"),
                Instant.ofEpochMilli(1000));
    }

    /** {@code n} ids of {@code split}, "prefix-<k>" with k counting up, skipping ids of other splits. */
    public static List<String> ids(String prefix, Split split, int n) {
        List<String> out = new ArrayList<>();
        for (int k = 0; out.size() < n; k++) {
            String id = prefix + "-" + k;
            if (Split.of(id) == split) {
                out.add(id);
            }
        }
        return out;
    }

    public static List<TrainingItem> items(String prefix, int n) {
        return ids(prefix, Split.TRAIN, n).stream().map(Items::item).toList();
    }
}
