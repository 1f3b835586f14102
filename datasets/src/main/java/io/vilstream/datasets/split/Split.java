package io.vilstream.datasets.split;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * THE split rule of vilstream: which part of the data a content id belongs to. The online
 * trainer calls {@link #of(String)} on every content event so that it never trains on a
 * validation or test item, whoever produced it; the evaluators call it to pick held-out items.
 *
 * <p>The split is a pure function of the id, so it needs no state, agrees across processes and
 * versions, and assigns every rendition of an item (one event, one id) to the same split.
 * Buckets: the first 8 bytes of SHA-256(UTF-8 id), read as an unsigned big-endian number,
 * modulo 10: 0–7 train, 8 validation, 9 test (≈ 80/10/10 by item). On the full emoji set this
 * gives 1533 / 199 / 179. Changing this rule invalidates every recorded metric: don't.
 */
public enum Split {
    TRAIN("train"),
    VAL("val"),
    TEST("test");

    /** Number of hash buckets; {@link #bucket(String)} returns 0 .. BUCKETS-1. */
    public static final int BUCKETS = 10;

    private final String id;

    Split(String id) {
        this.id = id;
    }

    /** The lower-case name used on the command line and in event attributes. */
    public String id() {
        return id;
    }

    /** The split of a content id. */
    public static Split of(String contentId) {
        int bucket = bucket(contentId);
        if (bucket == BUCKETS - 1) {
            return TEST;
        }
        return bucket == BUCKETS - 2 ? VAL : TRAIN;
    }

    /** The hash bucket behind {@link #of(String)}; exposed for finer-grained subsampling. */
    public static int bucket(String contentId) {
        byte[] digest = sha256().digest(contentId.getBytes(StandardCharsets.UTF_8));
        long prefix = ByteBuffer.wrap(digest, 0, Long.BYTES).getLong();
        return (int) Long.remainderUnsigned(prefix, BUCKETS);
    }

    /** Parses "train", "val" (or "validation") and "test", case-insensitively. */
    public static Split parse(String text) {
        String key = text.trim().toLowerCase(Locale.ROOT);
        if (key.equals("validation")) {
            return VAL;
        }
        for (Split split : values()) {
            if (split.id.equals(key)) {
                return split;
            }
        }
        throw new IllegalArgumentException("unknown split '" + text + "', expected train, val or test");
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }
}
