package io.vilstream.trainer.replay;

import java.util.Arrays;
import java.util.Locale;

/**
 * Which item a full replay buffer gives up for a new one. FIFO keeps the most recent items
 * (follows a drifting stream); reservoir keeps a uniform sample of every item ever offered
 * (Vitter's algorithm R: old items stay represented, which is what resists forgetting).
 */
public enum ReplayPolicy {
    FIFO("fifo"),
    RESERVOIR("reservoir");

    private final String id;

    ReplayPolicy(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static String[] ids() {
        return Arrays.stream(values()).map(ReplayPolicy::id).toArray(String[]::new);
    }

    public static ReplayPolicy parse(String text) {
        String key = text.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(p -> p.id.equals(key)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("unknown replay policy '" + text + "', expected " + String.join(" or ", ids())));
    }
}
