package io.vilstream.trainer.negatives;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.vilstream.model.image.ImageDecoder;
import io.vilstream.model.image.ImageRejectedException;
import io.vilstream.model.views.TrainingItem;
import io.vilstream.schemas.avro.ContentEvent;

/**
 * The train-split content events the trainer has seen, kept encoded (a few KB each, far less
 * than decoded tensors) and bounded, least recently used first out. Hard negatives arrive as
 * content ids; this is where they are turned back into items the current weights can encode.
 * Validation and test items are never put here, so they can never become training candidates.
 */
public final class ContentCache {

    private final int capacity;
    private final ImageDecoder decoder;
    private final LinkedHashMap<String, ContentEvent> events;

    public ContentCache(int capacity, ImageDecoder decoder) {
        this.capacity = capacity;
        this.decoder = decoder;
        this.events = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ContentEvent> eldest) {
                return size() > ContentCache.this.capacity;
            }
        };
    }

    public void put(ContentEvent event) {
        events.put(event.getId(), event);
    }

    public void remove(String id) {
        events.remove(id);
    }

    public boolean contains(String id) {
        return events.containsKey(id);
    }

    public int size() {
        return events.size();
    }

    /** The item of a cached event, decoded now; empty if unknown or no longer decodable. */
    public Optional<TrainingItem> resolve(String id) {
        ContentEvent e = events.get(id);
        if (e == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(TrainingItem.from(e, decoder));
        } catch (ImageRejectedException | IllegalArgumentException rejected) {
            return Optional.empty();
        }
    }
}
