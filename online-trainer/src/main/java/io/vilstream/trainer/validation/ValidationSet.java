package io.vilstream.trainer.validation;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
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
    private long fingerprintRevision = -1;
    private long fingerprint;

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

    /**
     * A digest of the set's content (ids, event times, captions, image pixels), the same in every
     * process that holds the same items, unlike {@link #revision()} which counts local changes:
     * scores recorded by another process are comparable with this one's only if it matches.
     */
    public long fingerprint() {
        if (fingerprintRevision != revision) {
            MessageDigest d = sha256();
            ByteBuffer b = ByteBuffer.allocate(Long.BYTES * 2 + Integer.BYTES * 2);
            for (TrainingItem item : byHash.values()) {
                d.update(item.id().getBytes(StandardCharsets.UTF_8));
                d.update(item.caption().getBytes(StandardCharsets.UTF_8));
                b.clear();
                b.putLong(item.eventTime() == null ? Long.MIN_VALUE : item.eventTime().toEpochMilli());
                b.putInt(item.images().size());
                long pixels = 0;
                for (float[] image : item.images()) {
                    pixels = pixels * 31 + Arrays.hashCode(image);
                }
                b.putLong(pixels);
                b.putInt(item.tags().hashCode());
                d.update(b.array(), 0, b.position());
            }
            fingerprint = ByteBuffer.wrap(d.digest()).getLong();
            fingerprintRevision = revision;
        }
        return fingerprint;
    }

    static String key(String id) {
        // the id is appended so two ids never share a key, whatever the digest
        return HexFormat.of().formatHex(sha256().digest(id.getBytes(StandardCharsets.UTF_8))) + "|" + id;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }
}
