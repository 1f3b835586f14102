package io.vilstream.examples.downstream;

import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The vectors of one model version, by content id, one map per modality. Only the consumer's
 * thread writes; readers may read at any time (concurrent maps) and only ever see this version's
 * vectors, since a set never takes a record of another version.
 */
public final class VersionSet {

    private final long version;
    private final Map<String, float[]> image = new ConcurrentHashMap<>();
    private final Map<String, float[]> text = new ConcurrentHashMap<>();

    VersionSet(long version) {
        this.version = version;
    }

    public long version() {
        return version;
    }

    /** Image vectors by content id (read-only view). */
    public Map<String, float[]> image() {
        return Collections.unmodifiableMap(image);
    }

    /** Text vectors by content id (read-only view). */
    public Map<String, float[]> text() {
        return Collections.unmodifiableMap(text);
    }

    public boolean isEmpty() {
        return image.isEmpty() && text.isEmpty();
    }

    /** Ids held in either modality (an id often has both). */
    public int size() {
        return Math.max(image.size(), text.size());
    }

    /** The switching rule: this set holds a vector for every id the other holds, in both modalities. */
    public boolean covers(VersionSet other) {
        return image.keySet().containsAll(other.image.keySet()) && text.keySet().containsAll(other.text.keySet());
    }

    void put(Modality modality, String id, float[] vector) {
        map(modality).put(id, vector);
    }

    void remove(Modality modality, String id) {
        map(modality).remove(id);
    }

    private Map<String, float[]> map(Modality modality) {
        return modality == Modality.IMAGE ? image : text;
    }

    @Override
    public String toString() {
        return "version " + version + " (" + image.size() + " images, " + text.size() + " texts)";
    }

    /** Which embedding topic a record came from. */
    enum Modality { IMAGE, TEXT }
}
