package io.vilstream.retriever.versions;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.vilstream.model.eval.HubnessCorrection;
import io.vilstream.retriever.index.ScoredId;
import io.vilstream.retriever.index.VectorIndex;
import io.vilstream.schemas.avro.Modality;

/**
 * The index of one model version: the image gallery (searched by text queries) and the text
 * gallery (searched by image queries), both in that version's embedding space. An item enters
 * the galleries only when both its image and its text embedding of this version have arrived;
 * until then its first half waits here. Written by one ingesting thread; searched and measured
 * by any thread.
 *
 * <p>Searches rank as the evaluator does ({@link HubnessCorrection}): the nearest candidates by
 * cosine are re-scored by cosine less a share of their hubness, measured against the other
 * gallery (an image's against the captions, a caption's against the images). A candidate's
 * hubness is computed when a search first needs it and reused until the other gallery has
 * changed by more than {@link #STALE_FRACTION} of its size (at least {@link #STALE_MIN_WRITES}
 * writes): a few new items barely move a mean over the k nearest, and a search must not pay a
 * neighbour search per candidate every time.
 */
public final class VersionIndex implements AutoCloseable {

    private final long version;
    private final int dimension;
    private final VectorIndex images;
    private final VectorIndex texts;
    private final Map<String, float[]> pendingImages = new ConcurrentHashMap<>();
    private final Map<String, float[]> pendingTexts = new ConcurrentHashMap<>();
    private final Set<String> complete = ConcurrentHashMap.newKeySet();
    private final HubnessCorrection ranking;
    private final Gallery imageSide = new Gallery();
    private final Gallery textSide = new Gallery();

    /** Cached hubness is recomputed after the other gallery changed by this share of its size... */
    static final double STALE_FRACTION = 0.05;
    /** ...or by this many writes, whichever is more. */
    static final int STALE_MIN_WRITES = 16;
    /** Candidates re-scored per search: at least this many more than asked for. */
    static final int RERANK_EXTRA = 50;

    /** One side's vectors (to measure their hubness), cached hubness and write count. */
    private static final class Gallery {
        final Map<String, float[]> vectors = new ConcurrentHashMap<>();
        final Map<String, Hubness> hubness = new ConcurrentHashMap<>();
        final AtomicLong writes = new AtomicLong();
    }

    private record Hubness(float penalty, long bankWrites) {
    }

    public VersionIndex(long version, int dimension, VectorIndex images, VectorIndex texts, HubnessCorrection ranking) {
        this.version = version;
        this.dimension = dimension;
        this.images = images;
        this.texts = texts;
        this.ranking = ranking;
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
            written(image ? imageSide : textSide, id, vector);
            return false;
        }
        (image ? pendingImages : pendingTexts).put(id, vector);
        float[] other = (image ? pendingTexts : pendingImages).get(id);
        if (other == null) {
            return false;
        }
        images.upsert(id, image ? vector : other);
        texts.upsert(id, image ? other : vector);
        written(imageSide, id, image ? vector : other);
        written(textSide, id, image ? other : vector);
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
            forget(imageSide, id);
            forget(textSide, id);
        }
    }

    private void written(Gallery side, String id, float[] vector) {
        if (ranking.enabled()) {
            side.vectors.put(id, vector);
            side.hubness.remove(id);
            side.writes.incrementAndGet();
        }
    }

    private void forget(Gallery side, String id) {
        if (ranking.enabled()) {
            side.vectors.remove(id);
            side.hubness.remove(id);
            side.writes.incrementAndGet();
        }
    }

    /** Makes the batch written so far searchable. */
    public void refresh() {
        images.refresh();
        texts.refresh();
    }

    /** Text query → images. */
    public List<ScoredId> searchImages(float[] query, int k) {
        return search(query, k, images, imageSide, texts, textSide);
    }

    /** Image query → texts (items by their caption). */
    public List<ScoredId> searchTexts(float[] query, int k) {
        return search(query, k, texts, textSide, images, imageSide);
    }

    private List<ScoredId> search(float[] query, int k, VectorIndex gallery, Gallery side, VectorIndex bank,
                                  Gallery bankSide) {
        if (!ranking.enabled()) {
            return gallery.search(query, k);
        }
        List<ScoredId> candidates = gallery.search(query, k + Math.max(k, RERANK_EXTRA));
        List<ScoredId> rescored = new ArrayList<>(candidates.size());
        for (ScoredId c : candidates) {
            rescored.add(new ScoredId(c.id(), c.score() - hubness(c.id(), side, bank, bankSide)));
        }
        rescored.sort(Comparator.comparingDouble(ScoredId::score).reversed());
        return rescored.size() > k ? List.copyOf(rescored.subList(0, k)) : rescored;
    }

    /** An item's hubness against the other gallery, from the cache while it is fresh enough. */
    private float hubness(String id, Gallery side, VectorIndex bank, Gallery bankSide) {
        long bankWrites = bankSide.writes.get();
        Hubness cached = side.hubness.get(id);
        long tolerance = Math.max(STALE_MIN_WRITES, (long) (STALE_FRACTION * bank.size()));
        if (cached != null && bankWrites - cached.bankWrites() <= tolerance) {
            return cached.penalty();
        }
        float[] vector = side.vectors.get(id);
        if (vector == null) {
            return 0f; // removed since the search found it: its score stays as found
        }
        List<ScoredId> near = bank.search(vector, ranking.k());
        float[] sims = new float[near.size()];
        for (int i = 0; i < sims.length; i++) {
            sims[i] = near.get(i).score();
        }
        float penalty = ranking.penalty(sims);
        side.hubness.put(id, new Hubness(penalty, bankWrites));
        return penalty;
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
