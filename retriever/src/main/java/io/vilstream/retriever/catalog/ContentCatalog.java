package io.vilstream.retriever.catalog;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.vilstream.schemas.avro.Caption;
import io.vilstream.schemas.avro.ContentEvent;
import io.vilstream.schemas.avro.ImageRendition;
import io.vilstream.schemas.avro.ObjectTags;

/**
 * A bounded cache of item content built from the content topic and the tags topic: what
 * {@code GET /v1/items/{id}} returns and how search results get their names. Bounded by item
 * count and by approximate bytes (images dominate); the least recently used entry goes first.
 * An evicted item is still searchable — only its name and picture are missing from results.
 * Thread-safe (one monitor: lookups are rare next to searches and cheap).
 */
public final class ContentCatalog {

    private final int maxItems;
    private final long maxBytes;
    private final int maxImageBytes;
    private final LinkedHashMap<String, CatalogItem> items = new LinkedHashMap<>(1024, 0.75f, true);
    private long bytes;
    private long evictions;

    public ContentCatalog(int maxItems, long maxBytes, int maxImageBytes) {
        this.maxItems = maxItems;
        this.maxBytes = maxBytes;
        this.maxImageBytes = maxImageBytes;
    }

    /** Files a content event (a newer one replaces the item; generated tags are kept). */
    public synchronized void put(ContentEvent event) {
        List<CatalogItem.Text> others = new ArrayList<>();
        List<Caption> captions = event.getCaptions();
        String name = null;
        for (int i = 0; i < captions.size(); i++) {
            Caption c = captions.get(i);
            if (i == 0) {
                name = c.getText();
            } else {
                others.add(new CatalogItem.Text(c.getText(), c.getKind()));
            }
        }
        byte[] image = null;
        String mediaType = null;
        if (!event.getImages().isEmpty()) {
            ImageRendition first = event.getImages().get(0);
            ByteBuffer data = first.getData().duplicate();
            if (data.remaining() <= maxImageBytes) {
                image = new byte[data.remaining()];
                data.get(image);
                mediaType = first.getMediaType();
            }
        }
        CatalogItem item = new CatalogItem(event.getId(), name, others, event.getTags(), List.of(), null,
                event.getAttributes(), image, mediaType, event.getEventTime());
        store(item.keepingTagsOf(items.get(event.getId())));
    }

    /** Files the generated tags of an item. */
    public synchronized void put(ObjectTags tags) {
        List<CatalogItem.ScoredTag> generated = tags.getTags().stream()
                .map(t -> new CatalogItem.ScoredTag(t.getTag(), t.getScore())).toList();
        CatalogItem existing = items.get(tags.getContentId());
        store(existing == null ? CatalogItem.tagsOnly(tags.getContentId(), generated, tags.getTaggerVersion())
                : existing.withGeneratedTags(generated, tags.getTaggerVersion()));
    }

    /** A content tombstone: the item is gone. */
    public synchronized void remove(String id) {
        CatalogItem old = items.remove(id);
        if (old != null) {
            bytes -= old.weight();
        }
    }

    /**
     * A tags tombstone (the item was deleted): its generated tags go, and so does an entry known
     * only from them — generated tags read after the content tombstone (the two topics are read
     * at their own pace) must not bring the item back. Content filed meanwhile (the id created
     * again) keeps its entry; its new tags follow.
     */
    public synchronized void removeGeneratedTags(String id) {
        CatalogItem existing = items.get(id);
        if (existing == null) {
            return;
        }
        if (existing.name() == null) {
            remove(id);
        } else {
            store(existing.withoutGeneratedTags());
        }
    }

    public synchronized Optional<CatalogItem> get(String id) {
        return Optional.ofNullable(items.get(id));
    }

    /** The name of an item; counts as a use, so items that searches show stay cached. */
    public synchronized String name(String id) {
        CatalogItem item = items.get(id);
        return item == null ? null : item.name();
    }

    public synchronized int size() {
        return items.size();
    }

    public synchronized long bytes() {
        return bytes;
    }

    public synchronized long evictions() {
        return evictions;
    }

    private void store(CatalogItem item) {
        CatalogItem old = items.put(item.id(), item);
        if (old != null) {
            bytes -= old.weight();
        }
        bytes += item.weight();
        var it = items.entrySet().iterator();
        while ((items.size() > maxItems || bytes > maxBytes) && it.hasNext()) {
            Map.Entry<String, CatalogItem> eldest = it.next();
            if (eldest.getKey().equals(item.id()) && items.size() == 1) {
                break; // a single item above the byte bound is kept: it is the one just read
            }
            bytes -= eldest.getValue().weight();
            it.remove();
            evictions++;
        }
    }
}
