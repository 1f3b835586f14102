package io.vilstream.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.vilstream.datasets.EmojiDataset;
import io.vilstream.datasets.events.ContentEvents;
import io.vilstream.datasets.item.EmojiItem;
import io.vilstream.model.image.ImageDecoder;
import io.vilstream.model.image.ImageRejectedException;
import io.vilstream.model.views.TrainingItem;

/** The committed emoji fixture as training items, through the same ContentEvent path as the stream. */
public final class Fixture {

    private Fixture() {
    }

    public static List<TrainingItem> items(int imageSize) {
        ImageDecoder decoder = new ImageDecoder(imageSize);
        List<TrainingItem> out = new ArrayList<>();
        for (EmojiItem item : EmojiDataset.fixture().items()) {
            try {
                out.add(TrainingItem.from(ContentEvents.from(item, Instant.EPOCH), decoder));
            } catch (ImageRejectedException e) {
                throw new AssertionError("fixture image rejected: " + item.id(), e);
            }
        }
        return out;
    }
}
