package io.vilstream.cli.bench;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.vilstream.datasets.EmojiDataset;
import io.vilstream.datasets.events.ContentEvents;
import io.vilstream.datasets.item.EmojiItem;
import io.vilstream.datasets.split.Split;
import io.vilstream.model.image.ImageDecoder;
import io.vilstream.model.image.ImageRejectedException;
import io.vilstream.model.views.TrainingItem;

/**
 * The emoji dataset as decoded training items, split by the shared split rule. Items go through
 * the same ContentEvent mapping and decoder as in the stream, so offline numbers describe the
 * online system.
 */
public record EmojiTrainingData(EmojiDataset.Source source, List<TrainingItem> train, List<TrainingItem> val,
                                List<TrainingItem> test) {

    public static EmojiTrainingData load(EmojiDataset.Source source, Path cacheDir, int imageSize) {
        EmojiDataset ds = source == EmojiDataset.Source.FIXTURE ? EmojiDataset.fixture()
                : cacheDir == null ? EmojiDataset.full() : EmojiDataset.full(cacheDir);
        ImageDecoder decoder = new ImageDecoder(imageSize);
        return new EmojiTrainingData(ds.source(), decodeAll(ds.items(Split.TRAIN), decoder),
                decodeAll(ds.items(Split.VAL), decoder), decodeAll(ds.items(Split.TEST), decoder));
    }

    /**
     * The held-out-rendition protocol: training items keep only the other vendors' renditions;
     * the returned evaluation sets have the held-out vendor's rendition as their only image, for
     * the train items (queried against all train names) and the test items (against the test names).
     * Renditions are in vendor order on every item ({@code ContentEvents}), so the vendor's index
     * picks the same drawing set on all of them.
     */
    public HeldOut holdOut(io.vilstream.datasets.item.Vendor vendor) {
        int index = vendor.ordinal();
        List<TrainingItem> trainOthers = new ArrayList<>();
        List<TrainingItem> trainQueries = new ArrayList<>();
        List<TrainingItem> testQueries = new ArrayList<>();
        for (TrainingItem it : train) {
            if (it.images().size() <= index) {
                continue; // an item without that vendor's drawing says nothing about it
            }
            List<float[]> others = new ArrayList<>(it.images());
            others.remove(index);
            if (!others.isEmpty()) {
                trainOthers.add(withImages(it, others));
            }
            trainQueries.add(withImages(it, List.of(it.images().get(index))));
        }
        for (TrainingItem it : test) {
            if (it.images().size() > index) {
                testQueries.add(withImages(it, List.of(it.images().get(index))));
            }
        }
        return new HeldOut(vendor.id(), new EmojiTrainingData(source, trainOthers, val, test), trainQueries, testQueries);
    }

    private static TrainingItem withImages(TrainingItem it, List<float[]> images) {
        return new TrainingItem(it.id(), images, it.caption(), it.otherCaptions(), it.tags(), it.eventTime());
    }

    /**
     * @param training     the data to train on (train items without the held-out vendor)
     * @param trainQueries train items with only the held-out vendor's drawing
     * @param testQueries  test items with only the held-out vendor's drawing
     */
    public record HeldOut(String vendor, EmojiTrainingData training, List<TrainingItem> trainQueries,
                          List<TrainingItem> testQueries) {
    }

    /** Decodes dataset items through the ContentEvent mapping, as the stream sees them. */
    public static List<TrainingItem> decodeAll(List<EmojiItem> items, ImageDecoder decoder) {
        List<TrainingItem> out = new ArrayList<>(items.size());
        for (EmojiItem item : items) {
            try {
                out.add(TrainingItem.from(ContentEvents.from(item, Instant.EPOCH), decoder));
            } catch (ImageRejectedException e) {
                throw new IllegalStateException("emoji " + item.id() + " has an unusable image: " + e.getMessage(), e);
            }
        }
        return out;
    }
}
