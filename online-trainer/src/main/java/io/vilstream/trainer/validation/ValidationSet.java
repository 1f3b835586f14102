package io.vilstream.trainer.validation;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;

import io.vilstream.model.views.TrainingItem;

/**
 * The gate's validation set: val-split items seen on the content topic, at most {@code size},
 * chosen as those with the smallest SHA-256 of their id. The choice depends only on which
 * items exist, not on the order partitions deliver them, so every process (and every restart)
 * that has read the same content evaluates on the same set, and the hash spreads the choice
 * evenly over the data instead of favouring one id range. The revision changes whenever the
 * set does: metrics are only compared within one revision.
 */
public final class ValidationSet {

    private final int size;
    private final TreeMap<String, TrainingItem> byHash = new TreeMap<>();
    private long revision;

    public ValidationSet(int size) {
        this.size = size;
    }

    /** Offers a val-split item (or a newer event of one already held). */
    public void offer(TrainingItem item) {
        String key = key(item.id());
        if (byHash.size() >= size && !byHash.containsKey(key) && key.compareTo(byHash.lastKey()) > 0) {
            return;
        }
        byHash.put(key, item);
        if (byHash.size() > size) {
            byHash.pollLastEntry();
        }
        revision++;
    }

    public void remove(String id) {
        if (byHash.remove(key(id)) != null) {
            revision++;
        }
    }

    /** The items, in hash order. */
    public List<TrainingItem> items() {
        return List.copyOf(byHash.values());
    }

    public int size() {
        return byHash.size();
    }

    /** Changes whenever the set or one of its items changes. */
    public long revision() {
        return revision;
    }

    static String key(String id) {
        try {
            // the id is appended so two ids never share a key, whatever the digest
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8)))
                    + "|" + id;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }
}
