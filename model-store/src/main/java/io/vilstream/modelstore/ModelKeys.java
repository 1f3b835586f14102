package io.vilstream.modelstore;

/**
 * Record keys on the model topics. A version's key is {@code name@0000000000000000042}: one key
 * per version, so the compacted versions topic keeps the latest status of every version (a
 * key of just the model name would keep only the newest record and lose the promoted version
 * behind a later rejection). Chunk keys extend it with {@code #000003}. Zero padding keeps the
 * keys in version order when sorted as text.
 */
public final class ModelKeys {

    private ModelKeys() {
    }

    public static String version(String model, long version) {
        return model + "@" + String.format("%019d", version);
    }

    public static String chunk(String model, long version, int index) {
        return version(model, version) + "#" + String.format("%06d", index);
    }

    /** The prefix every key of a model shares. */
    public static String modelPrefix(String model) {
        return model + "@";
    }
}
