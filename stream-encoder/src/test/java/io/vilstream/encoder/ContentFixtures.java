package io.vilstream.encoder;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.vilstream.datasets.EmojiDataset;
import io.vilstream.datasets.events.ContentEvents;
import io.vilstream.datasets.item.EmojiItem;
import io.vilstream.schemas.avro.Caption;
import io.vilstream.schemas.avro.ContentEvent;
import io.vilstream.schemas.avro.ImageRendition;

/** Content events for tests: the emoji fixture, renamed copies of it, and broken variants. */
public final class ContentFixtures {

    private ContentFixtures() {
    }

    public static List<ContentEvent> fixture() {
        List<ContentEvent> out = new ArrayList<>();
        for (EmojiItem item : EmojiDataset.fixture().items()) {
            out.add(ContentEvents.from(item, Instant.parse("2026-01-01T00:00:00Z")));
        }
        return out;
    }

    /** {@code n} events cycling through the fixture, each with its own id ({@code id-<i>}). */
    public static List<ContentEvent> many(int n) {
        List<ContentEvent> base = fixture();
        List<ContentEvent> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ContentEvent e = base.get(i % base.size());
            out.add(ContentEvent.newBuilder(e).setId(String.format("item-%05d", i)).setEventTime(Instant.now()).build());
        }
        return out;
    }

    public static ContentEvent withImage(ContentEvent e, byte[] image) {
        return ContentEvent.newBuilder(e).setImages(List.of(new ImageRendition(ByteBuffer.wrap(image), "image/png", "test"))).build();
    }

    public static ContentEvent withCaption(ContentEvent e, String caption) {
        return ContentEvent.newBuilder(e).setCaptions(List.of(new Caption(caption, "name", null))).build();
    }
}
