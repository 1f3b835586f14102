package io.vilstream.retriever.versions;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.vilstream.retriever.index.ScoredId;
import io.vilstream.retriever.index.VectorIndex;
import io.vilstream.schemas.avro.Modality;

/**
 * The index of one model version: the image gallery (searched by text queries) and the text
 * gallery (searched by image queries), both in that version's embedding space. An item enters
 * the galleries only when both its image and its text embedding of this version have arrived;
 * until then its first half waits here. Written by one ingesting thread; searched and measured
 * by any thread.
 */
public final class VersionIndex implements AutoCloseable {

    private final long version;
    private final int dimension;
    private final VectorIndex images;
    private final VectorIndex texts;
    private final Map<String, float[]> pendingImages = new ConcurrentHashMap<>();
    private final Map<String, float[]> pendingTexts = new ConcurrentHashMap<>();
    private final Set<String> complete = ConcurrentHashMap.newKeySet();

    public VersionIndex(long version, int dimension, VectorIndex images, VectorIndex texts) {
        this.version = version;
        this.dimension = dimension;
        this.images = images;
        this.texts = texts;
    }

    public long version() {
        return version;
    }

    public int dimension() {
        return dimension;
    }

    /** Adds or replaces one half of an item; returns true when the item became complete. */
    public boolean put(String id, Modality modality, float[] vector) {
        if (vector.length != dimension) {
            throw new IllegalArgumentException("version " + version + " holds " + dimension + "-d vectors, got "
                    + vector.length);
        }
        boolean image = modality == Modality.IMAGE;
        if (complete.contains(id)) {
            (image ? images : texts).upsert(id, vector);
            return false;
        }
        (image ? pendingImages : pendingTexts).put(id, vector);
        float[] other = (image ? pendingTexts : pendingImages).get(id);
        if (other == null) {
            return false;
        }
        images.upsert(id, image ? vector : other);
        texts.upsert(id, image ? other : vector);
        pendingImages.remove(id);
        pendingTexts.remove(id);
        complete.add(id);
        return true;
    }

    /** Forgets an item (its content was deleted). */
    public void remove(String id) {
        pendingImages.remove(id);
        pendingTexts.remove(id);
        if (complete.remove(id)) {
            images.remove(id);
            texts.remove(id);
        }
    }

    /** Makes the batch written so far searchable. */
    public void refresh() {
        images.refresh();
        texts.refresh();
    }

    /** Text query → images. */
    public List<ScoredId> searchImages(float[] query, int k) {
        return images.search(query, k);
    }

    /** Image query → texts (items by their caption). */
    public List<ScoredId> searchTexts(float[] query, int k) {
        return texts.search(query, k);
    }

    /** Items with both halves: the ones searches can return. */
    public int items() {
        return complete.size();
    }

    public boolean contains(String id) {
        return complete.contains(id);
    }

    /** The searchable ids (a live view; copy before iterating at length). */
    public Set<String> ids() {
        return complete;
    }

    /** Items waiting for their other half: image only, text only. */
    public int pendingImages() {
        return pendingImages.size();
    }

    public int pendingTexts() {
        return pendingTexts.size();
    }

    /**
     * Coverage of a reference set: the fraction of {@code reference}'s items this version can
     * answer with (1.0 when the reference is empty).
     */
    public double coverageOf(Set<String> reference) {
        if (reference.isEmpty()) {
            return 1.0;
        }
        long covered = 0;
        for (String id : reference) {
            if (complete.contains(id)) {
                covered++;
            }
        }
        return covered / (double) reference.size();
    }

    @Override
    public void close() {
        images.close();
        texts.close();
    }
}
