package io.vilstream.trainer.ingest;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

/**
 * New train items in arrival order, waiting for their first step. One entry per content id: a
 * newer event of the same content replaces the waiting one (the caller releases the replaced
 * record's offset). Bounded by the caller, who pauses the content partitions when it is full.
 */
public final class FreshQueue {

    private final LinkedHashMap<String, FreshItem> items = new LinkedHashMap<>();

    /** Adds an item; returns the entry it replaced, if any. */
    public Optional<FreshItem> add(FreshItem item) {
        FreshItem old = items.remove(item.item().id());
        items.put(item.item().id(), item);
        return Optional.ofNullable(old);
    }

    public Optional<FreshItem> remove(String id) {
        return Optional.ofNullable(items.remove(id));
    }

    /** Takes up to {@code n} of the oldest items off the queue. */
    public List<FreshItem> take(int n) {
        List<FreshItem> out = new ArrayList<>(Math.min(n, items.size()));
        Iterator<FreshItem> it = items.values().iterator();
        while (out.size() < n && it.hasNext()) {
            out.add(it.next());
            it.remove();
        }
        return out;
    }

    public boolean contains(String id) {
        return items.containsKey(id);
    }

    public int size() {
        return items.size();
    }

    public boolean isEmpty() {
        return items.isEmpty();
    }
}
