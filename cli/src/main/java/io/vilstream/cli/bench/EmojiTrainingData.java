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
