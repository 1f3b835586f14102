package io.vilstream.trainer.negatives;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Predicate;

import io.vilstream.schemas.avro.HardNegatives;

/**
 * Mined hard negatives waiting to be trained on, one record per anchor (a newer mining of the
 * same anchor replaces the older one and goes to the back), bounded with the oldest dropped.
 * Negatives mined by an older model version stay useful (ANCE trains on asynchronously
 * refreshed negatives), so records are not filtered by version.
 */
public final class HardNegativeQueue {

    private final int capacity;
    private final LinkedHashMap<String, HardNegatives> byAnchor = new LinkedHashMap<>();
    private long dropped;

    public HardNegativeQueue(int capacity) {
        this.capacity = capacity;
    }

    public void add(HardNegatives record) {
        byAnchor.remove(record.getAnchorId());
        byAnchor.put(record.getAnchorId(), record);
        while (byAnchor.size() > capacity) {
            Iterator<String> oldest = byAnchor.keySet().iterator();
            oldest.next();
            oldest.remove();
            dropped++;
        }
    }

    /** Takes up to {@code n} of the oldest records whose anchor is usable; the others stay queued. */
    public List<HardNegatives> take(int n, Predicate<String> anchorUsable) {
        List<HardNegatives> out = new ArrayList<>();
        Iterator<HardNegatives> it = byAnchor.values().iterator();
        while (out.size() < n && it.hasNext()) {
            HardNegatives r = it.next();
            if (anchorUsable.test(r.getAnchorId())) {
                out.add(r);
                it.remove();
            }
        }
        return out;
    }

    public int size() {
        return byAnchor.size();
    }

    /** Records dropped because the queue was full. */
    public long dropped() {
        return dropped;
    }
}
