package io.vilstream.cli.chaos;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.vilstream.datasets.events.ContentEvents;
import io.vilstream.datasets.item.EmojiItem;
import io.vilstream.schemas.avro.Caption;
import io.vilstream.schemas.avro.ContentEvent;
import io.vilstream.schemas.avro.ImageRendition;

/**
 * What the chaos producer sends, drawn from a seeded random source: new items (dataset items
 * under fresh ids), updates of live ids with a new caption, the same content sent again (a
 * legitimate second embedding), deletes (tombstones) of live ids, and malformed events (for the
 * DLQ). Event times strictly increase, so an embedding's event time names the event it came
 * from. The same seed and dataset give the same sequence of operations.
 */
final class ContentScript {

    /** One operation: the event to send, or null for a tombstone of {@code id}. */
    record Op(Kind kind, String id, ContentEvent event) {
    }

    enum Kind { NEW, UPDATE, SAME_AGAIN, DELETE, MALFORMED }

    private final List<EmojiItem> items;
    private final Random random;
    private final String prefix;
    private final List<String> live = new ArrayList<>();
    private final java.util.Map<String, ContentEvent> latest = new java.util.HashMap<>();
    private long next;
    private long lastEventMillis;

    ContentScript(List<EmojiItem> items, long seed) {
        if (items.isEmpty()) {
            throw new IllegalArgumentException("the dataset has no items");
        }
        this.items = items;
        this.random = new Random(seed);
        this.prefix = "chaos-" + Long.toHexString(seed) + "-";
    }

    /** The next operation; a few new items come first, so updates and deletes have ids to act on. */
    Op next() {
        int r = live.size() < 8 ? 0 : random.nextInt(100);
        if (r < 60) {
            String id = prefix + next++;
            ContentEvent e = ContentEvents.from(items.get(random.nextInt(items.size())), eventTime());
            e.setId(id);
            live.add(id);
            latest.put(id, e);
            return new Op(Kind.NEW, id, e);
        }
        if (r < 80) {
            String id = live.get(random.nextInt(live.size()));
            ContentEvent e = ContentEvent.newBuilder(latest.get(id)).setEventTime(eventTime()).build();
            List<Caption> captions = new ArrayList<>(e.getCaptions());
            Caption first = captions.get(0);
            captions.set(0, Caption.newBuilder(first).setText(baseName(first.getText()) + " (rev " + next++ + ")").build());
            e.setCaptions(captions);
            latest.put(id, e);
            return new Op(Kind.UPDATE, id, e);
        }
        if (r < 85) {
            String id = live.get(random.nextInt(live.size()));
            ContentEvent e = ContentEvent.newBuilder(latest.get(id)).setEventTime(eventTime()).build();
            latest.put(id, e);
            return new Op(Kind.SAME_AGAIN, id, e);
        }
        if (r < 95) {
            String id = live.remove(random.nextInt(live.size()));
            latest.remove(id);
            return new Op(Kind.DELETE, id, null);
        }
        String id = prefix + "bad-" + next++;
        ContentEvent e = ContentEvents.from(items.get(random.nextInt(items.size())), eventTime());
        e.setId(id);
        e.setImages(List.of(new ImageRendition(ByteBuffer.wrap(("not a picture " + id).getBytes(StandardCharsets.UTF_8)),
                "image/png", "chaos")));
        return new Op(Kind.MALFORMED, id, e);
    }

    private static String baseName(String caption) {
        int rev = caption.indexOf(" (rev ");
        return rev < 0 ? caption : caption.substring(0, rev);
    }

    /** Strictly increasing across the run: no two events share an event time. */
    private Instant eventTime() {
        lastEventMillis = Math.max(System.currentTimeMillis(), lastEventMillis + 1);
        return Instant.ofEpochMilli(lastEventMillis);
    }
}
