package io.vilstream.retriever.versions;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.function.LongConsumer;

import io.vilstream.model.eval.HubnessCorrection;
import io.vilstream.model.image.ImageDecoder;
import io.vilstream.model.towers.DualEncoder;
import io.vilstream.retriever.index.VectorIndex;
import io.vilstream.schemas.avro.Embedding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every model version's index the retriever holds, the one it serves, and the switch between
 * them. The ingesting thread feeds embeddings in ({@link #apply}); the switching thread calls
 * {@link #evaluate()} to follow the promoted version under the {@link ServingPolicy}; query
 * threads read {@link #served()}.
 *
 * <p>Which versions are held: the newest {@code maxVersions}, and always the served and the
 * target one. A version arriving when all places are taken gets the place of the oldest version
 * that is neither served nor the target, if that one is older than it (records of several
 * versions interleave across partitions on a replay, so arrival order says nothing). Records of
 * a dropped version are ignored from then on; if that version later becomes the target,
 * {@code rewind} is asked to re-read the topics so its index is rebuilt.
 */
public final class VersionedIndexes {

    private static final Logger log = LoggerFactory.getLogger(VersionedIndexes.class);
    private static final int HISTORY = 20;
    private static final Duration RETRY_TOWERS = Duration.ofSeconds(30);

    /** What became of one embedding record. */
    public enum Outcome { INDEXED, COMPLETED, OTHER_MODEL, DIMENSION_MISMATCH, VERSION_DROPPED }

    private final String model;
    private final IntFunction<VectorIndex> indexes;
    private final int maxVersions;
    private final ServingPolicy policy;
    private final EncoderSource encoders;
    private final ImageDecoder.Limits uploadLimits;
    private final Clock clock;
    private final HubnessCorrection ranking;

    private final NavigableMap<Long, VersionIndex> held = new ConcurrentSkipListMap<>();
    private final Map<Long, QueryEncoder> towers = new ConcurrentHashMap<>();
    private final Map<Long, Failure> towerFailures = new ConcurrentHashMap<>();
    private final Set<Long> dropped = ConcurrentHashMap.newKeySet();
    private final Deque<SwitchEvent> history = new ArrayDeque<>();
    private final AtomicLong switches = new AtomicLong();
    private final AtomicLong ignored = new AtomicLong();
    private volatile Served served;
    private volatile long target;
    private volatile boolean caughtUp;
    private volatile String lastDecision = "starting";
    private volatile LongConsumer rewind = v -> { };
    private volatile VersionListener listener = new VersionListener() { };

    private record Failure(String message, Instant at) {
    }

    /** Told when versions come and go (metrics). */
    public interface VersionListener {
        default void added(long version) {
        }

        default void dropped(long version) {
        }

        default void switched(SwitchEvent event) {
        }
    }

    /**
     * @param model        the model lineage served; embeddings of other models are ignored
     * @param indexes      a new gallery of the given dimension
     * @param maxVersions  versions held at most (at least 2)
     */
    public VersionedIndexes(String model, IntFunction<VectorIndex> indexes, int maxVersions, ServingPolicy policy,
                            EncoderSource encoders, ImageDecoder.Limits uploadLimits, Clock clock) {
        this(model, indexes, maxVersions, policy, encoders, uploadLimits, clock, HubnessCorrection.DEFAULT);
    }

    /** @param ranking how every version's searches are scored ({@link VersionIndex}) */
    public VersionedIndexes(String model, IntFunction<VectorIndex> indexes, int maxVersions, ServingPolicy policy,
                            EncoderSource encoders, ImageDecoder.Limits uploadLimits, Clock clock,
                            HubnessCorrection ranking) {
        if (maxVersions < 2) {
            throw new IllegalArgumentException("at least 2 versions must be held (served and next)");
        }
        this.model = model;
        this.indexes = indexes;
        this.maxVersions = maxVersions;
        this.policy = policy;
        this.encoders = encoders;
        this.uploadLimits = uploadLimits;
        this.clock = clock;
        this.ranking = ranking;
    }

    public void onRewindNeeded(LongConsumer rewind) {
        this.rewind = rewind;
    }

    public void listener(VersionListener listener) {
        this.listener = listener;
    }

    // ---------------------------------------------------------------- ingest side (one thread)

    /** Files one embedding record under its version. */
    public synchronized Outcome apply(Embedding e) {
        if (!model.equals(e.getModelName())) {
            ignored.incrementAndGet();
            return Outcome.OTHER_MODEL;
        }
        long v = e.getModelVersion();
        VersionIndex index = held.get(v);
        if (index == null) {
            index = admit(v, e.getVector().size());
            if (index == null) {
                ignored.incrementAndGet();
                return Outcome.VERSION_DROPPED;
            }
        }
        float[] vector = toArray(e.getVector());
        if (vector.length != index.dimension() || e.getDimension() != vector.length) {
            ignored.incrementAndGet();
            return Outcome.DIMENSION_MISMATCH;
        }
        return index.put(e.getContentId(), e.getModality(), vector) ? Outcome.COMPLETED : Outcome.INDEXED;
    }

    /** A deleted item (tombstone on an embedding topic) leaves every version. */
    public synchronized void delete(String id) {
        for (VersionIndex index : held.values()) {
            index.remove(id);
        }
    }

    /** End of an ingested batch: the writes become searchable. */
    public void endOfBatch() {
        for (VersionIndex index : held.values()) {
            index.refresh();
        }
    }

    /** The embedding topics have been read to the end offsets they had at start-up. */
    public void markCaughtUp() {
        caughtUp = true;
    }

    public boolean caughtUp() {
        return caughtUp;
    }

    /** A new index for {@code v}, if the rules give it room; null when its records are to be ignored. */
    private VersionIndex admit(long v, int dimension) {
        if (v != target && dropped.contains(v)) {
            return null;
        }
        while (held.size() >= maxVersions) {
            Long victim = held.keySet().stream()
                    .filter(x -> x != target && !isServed(x))
                    .findFirst().orElse(null);
            if (victim == null || (victim > v && v != target)) {
                dropped.add(v);
                return null;
            }
            drop(victim);
        }
        VersionIndex index = new VersionIndex(v, dimension, indexes.apply(dimension), indexes.apply(dimension), ranking);
        held.put(v, index);
        dropped.remove(v);
        log.info("building the index of version {} ({}-d)", v, dimension);
        listener.added(v);
        return index;
    }

    private void drop(long v) {
        held.remove(v);
        dropped.add(v);
        QueryEncoder q = towers.remove(v);
        if (q != null) {
            q.close();
        }
        // the galleries are not closed: a query that read them just before the drop may still
        // be scanning; the garbage collector frees them after it
        log.info("dropped the index of version {} (at most {} versions are held)", v, maxVersions);
        listener.dropped(v);
    }

    private boolean isServed(long v) {
        Served s = served;
        return s != null && s.version() == v;
    }

    // ---------------------------------------------------------------- switch side (one thread)

    /** The promoted version (from the model topics); version 0 when none is promoted. */
    public void target(long version) {
        long before = target;
        target = version;
        if (before != version) {
            log.info("promoted version is now {} (was {})", version, before);
        }
        if (!held.containsKey(version) && dropped.contains(version)) {
            log.info("version {} is promoted but its index was dropped: re-reading the embedding topics", version);
            dropped.remove(version);
            rewind.accept(version);
        }
    }

    public long target() {
        return target;
    }

    /** One step of the policy: loads towers when needed and switches; returns the switch made, if any. */
    public Optional<SwitchEvent> evaluate() {
        long t = target;
        if (held.containsKey(t)) {
            towers(t); // load ahead, so the switch itself waits for nothing
        }
        Served s = served;
        Map<Long, ServingPolicy.Facts> facts = new HashMap<>();
        Set<String> servedIds = s == null ? Set.of() : new HashSet<>(s.index().ids());
        for (VersionIndex index : held.values()) {
            long v = index.version();
            boolean covers = s == null || v == s.version() || index.coverageOf(servedIds) >= 1.0;
            facts.put(v, new ServingPolicy.Facts(v, index.items(), covers, loadable(v)));
        }
        ServingPolicy.Decision d = policy.decide(s == null ? null : s.version(), t, caughtUp, facts);
        lastDecision = d.reason();
        if (d.switchTo().isEmpty()) {
            return Optional.empty();
        }
        long to = d.switchTo().get();
        VersionIndex index = held.get(to);
        QueryEncoder encoder = towers(to);
        if (index == null || encoder == null) {
            return Optional.empty();
        }
        SwitchEvent event;
        synchronized (this) {
            if (held.get(to) != index) {
                return Optional.empty(); // dropped meanwhile; the next evaluation decides again
            }
            served = new Served(to, index, encoder, clock.instant());
            event = new SwitchEvent(s == null ? null : s.version(), to, d.kind(), d.reason(), index.items(), clock.instant());
            history.addFirst(event);
            while (history.size() > HISTORY) {
                history.removeLast();
            }
            switches.incrementAndGet();
        }
        log.info("now serving version {} ({} items): {}", to, index.items(), d.reason());
        listener.switched(event);
        return Optional.of(event);
    }

    private boolean loadable(long v) {
        Failure f = towerFailures.get(v);
        return f == null || f.at().plus(RETRY_TOWERS).isBefore(clock.instant());
    }

    /** The towers of a held version, loading them once; null when they cannot be loaded now. */
    private QueryEncoder towers(long v) {
        QueryEncoder q = towers.get(v);
        if (q != null || !loadable(v)) {
            return q;
        }
        try {
            DualEncoder model = encoders.load(v);
            QueryEncoder loaded = new QueryEncoder(v, model, uploadLimits);
            if (!held.containsKey(v)) {
                loaded.close();
                return null;
            }
            towers.put(v, loaded);
            towerFailures.remove(v);
            log.info("loaded the query towers of version {}", v);
            return loaded;
        } catch (Exception | LinkageError e) {
            log.warn("cannot load the towers of version {}: {}", v, e.toString());
            towerFailures.put(v, new Failure(e.getMessage() == null ? e.toString() : e.getMessage(), clock.instant()));
            return null;
        }
    }

    // ---------------------------------------------------------------- query and status side

    /** What answers queries now; empty before the first switch. */
    public Optional<Served> served() {
        return Optional.ofNullable(served);
    }

    public Optional<VersionIndex> index(long version) {
        return Optional.ofNullable(held.get(version));
    }

    public List<Long> heldVersions() {
        return List.copyOf(held.keySet());
    }

    public long switchCount() {
        return switches.get();
    }

    public long ignoredRecords() {
        return ignored.get();
    }

    public String lastDecision() {
        return lastDecision;
    }

    public synchronized List<SwitchEvent> history() {
        return List.copyOf(history);
    }

    /** Coverage of the served version's items by {@code version}'s index (1.0 when nothing is served). */
    public double coverage(long version) {
        VersionIndex index = held.get(version);
        Served s = served;
        if (index == null) {
            return 0.0;
        }
        if (s == null || s.version() == version) {
            return 1.0;
        }
        return index.coverageOf(new HashSet<>(s.index().ids()));
    }

    public List<VersionStatus> versions() {
        List<VersionStatus> out = new ArrayList<>();
        Served s = served;
        long t = target;
        for (VersionIndex index : held.descendingMap().values()) {
            long v = index.version();
            boolean isServed = s != null && s.version() == v;
            String role = isServed && v == t ? "served+target" : isServed ? "served" : v == t ? "target" : "held";
            Failure f = towerFailures.get(v);
            String towerState = towers.containsKey(v) ? "loaded" : f != null ? "error: " + f.message() : "not loaded";
            out.add(new VersionStatus(v, role, index.items(), index.pendingImages(), index.pendingTexts(),
                    round(coverage(v)), towerState));
        }
        return out;
    }

    /** Frees the towers' native memory. */
    public void close() {
        towers.values().forEach(QueryEncoder::close);
        towers.clear();
    }

    static float[] toArray(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    private static double round(double v) {
        return Math.round(v * 10000) / 10000.0;
    }
}
