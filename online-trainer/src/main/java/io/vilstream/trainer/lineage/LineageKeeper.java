package io.vilstream.trainer.lineage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import io.vilstream.model.checkpoint.CheckpointException;
import io.vilstream.model.tagger.TagVocabulary;
import io.vilstream.model.towers.DualEncoder;
import io.vilstream.model.training.TrainingConfig;
import io.vilstream.modelstore.CheckpointUnavailableException;
import io.vilstream.modelstore.LoadBackoff;
import io.vilstream.modelstore.ModelFollower;
import io.vilstream.modelstore.ModelRegistryState;
import io.vilstream.modelstore.ModelStore;
import io.vilstream.schemas.avro.ModelVersion;
import io.vilstream.trainer.config.TrainerConfig;
import io.vilstream.trainer.gate.BestPromoted;
import io.vilstream.trainer.gate.BestRecovery;
import io.vilstream.trainer.gate.Evaluation;
import io.vilstream.trainer.gate.ServedBaseline;
import io.vilstream.trainer.metrics.TrainerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where training descends from: the weights being trained ({@link ModelLineage}), the served
 * version they are measured against ({@link ServedBaseline}) and the best version promoted so far
 * ({@link BestPromoted}, the gate's floor; often the served one itself). It starts them (version 0
 * from the seed, or the served version at a restart, with the best its record names), moves them
 * on a promotion, restarts training from the served weights after a divergence or repeated
 * rejections, and follows the versions topic so that a served version this trainer did not
 * promote (an operator rollback) becomes the new start, with the best as its record names it.
 */
public final class LineageKeeper implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LineageKeeper.class);
    /** How often the served version is compared with the one training descends from. */
    private static final Duration SERVED_CHECK = Duration.ofMillis(500);

    private final TrainerConfig config;
    private final TrainingConfig training;
    private final TrainerMetrics metrics;
    private final ModelStore store;
    private final Supplier<List<List<String>>> takeTrainTags;

    private ModelFollower follower;
    private ModelLineage lineage;
    private ServedBaseline served;
    private BestPromoted best;
    private long lastServedCheckNanos;
    /**
     * Failed loads of a served version: tried again with a bounded back-off (its record can be
     * read before all its chunks), a corrupt one given up on after a few attempts.
     */
    private final LoadBackoff servedLoads = new LoadBackoff(LoadBackoff.Policy.defaults());

    /**
     * @param takeTrainTags the producer tags of the train items read so far; called once, when the
     *                      vocabulary is fixed (version 0) or found in a checkpoint (collection stops)
     */
    public LineageKeeper(TrainerConfig config, TrainerMetrics metrics, ModelStore store,
                         Supplier<List<List<String>>> takeTrainTags) {
        this.config = config;
        this.training = config.trainingConfig();
        this.metrics = metrics;
        this.store = store;
        this.takeTrainTags = takeTrainTags;
    }

    /** At start: continue from the served version (the newest one with weights not rolled back). */
    public void resume() {
        ModelRegistryState state = store.readState(config.modelName(), config.storeTimeout());
        Optional<ModelVersion> current = state.served();
        if (current.isEmpty()) {
            log.info("no version of {} is promoted yet: version 0 is built once the content topic has been read",
                    config.modelName());
            return;
        }
        List<ModelVersion> candidates = new ArrayList<>();
        candidates.add(current.get());
        state.all().stream().filter(v -> v.getChunkCount() > 0 && v.getVersion() < current.get().getVersion())
                .sorted(Comparator.comparingLong(ModelVersion::getVersion).reversed()).forEach(candidates::add);
        for (ModelVersion v : candidates) {
            try {
                adopt(v, store.fetchCheckpoint(v, config.storeTimeout()), state);
                return;
            } catch (CheckpointUnavailableException | CheckpointException e) {
                log.error("version {} cannot be resumed from: {}", v.getVersion(), e.getMessage());
            }
        }
        log.error("no published version of {} loads: starting again from version 0", config.modelName());
    }

    /** Starts following the versions topic (for {@link #followServedVersion()}). */
    public void startFollowing() {
        follower = new ModelFollower(store, config.modelName(), v -> { }).start();
    }

    /**
     * An operator rollback (or any promotion this instance did not make) changes the served
     * version: training continues from it. A served version older than the last one promoted here
     * is a rollback only once the follower has seen that promotion (else it is just behind).
     *
     * @return whether training now continues from another version (the caller starts its counters afresh)
     */
    public boolean followServedVersion() {
        long now = System.nanoTime();
        if (follower == null || now - lastServedCheckNanos < SERVED_CHECK.toNanos()) {
            return false;
        }
        lastServedCheckNanos = now;
        ModelRegistryState s = follower.state();
        Optional<ModelVersion> current = s.served();
        if (current.isEmpty()) {
            return false;
        }
        long sv = current.get().getVersion();
        long ours = servedVersion();
        if (sv == ours || (ours > 0 && sv < ours && s.get(ours).isEmpty()) || !servedLoads.due(sv, now)) {
            return false;
        }
        log.warn("served version is now {} (training descended from {}): {}; training continues from {}", sv, ours,
                current.get().getReason(), sv);
        try {
            adopt(current.get(), store.fetchCheckpoint(current.get(), config.storeTimeout()), s);
            servedLoads.succeeded(sv);
            return true;
        } catch (CheckpointUnavailableException | CheckpointException e) {
            boolean corrupt = e instanceof CheckpointException || ((CheckpointUnavailableException) e).corrupt();
            LoadBackoff.Next next = servedLoads.failed(sv, corrupt, System.nanoTime());
            metrics.servedLoadFailed();
            if (next.givenUp()) {
                log.error("served version {} has a corrupt checkpoint ({} attempts, last: {}); training continues from {}"
                        + " until another version is served", sv, next.failures(), e.getMessage(), ours);
            } else {
                log.warn("served version {} cannot be loaded yet (attempt {}): {}; training continues from {}, trying again"
                        + " in {} ms", sv, next.failures(), e.getMessage(), ours, next.delay().toMillis());
            }
            return false;
        }
    }

    private void adopt(ModelVersion v, byte[] checkpoint, ModelRegistryState state) throws CheckpointException {
        ModelLineage next = ModelLineage.resume(checkpoint, v.getVersion(), v.getNewestEventTime(), training);
        DualEncoder frozen;
        try {
            frozen = DualEncoder.load(checkpoint);
        } catch (CheckpointException e) {
            next.close();
            throw e;
        }
        replaceLineage(next);
        replaceServed(new ServedBaseline(v.getVersion(), frozen, checkpoint, v.getNewestEventTime(), null));
        takeTrainTags.get(); // the vocabulary came with the checkpoint
        recoverBest(v, state);
        log.info("training continues from version {} (step {}, {} tags); gate floor under version {}", v.getVersion(),
                next.step(), next.model().vocabulary().size(), best.version());
    }

    /** The best as the adopted version's record names it ({@link BestRecovery}). */
    private void recoverBest(ModelVersion adopted, ModelRegistryState state) {
        BestRecovery plan = BestRecovery.plan(adopted, state);
        log.info("best promoted version: {}", plan.note());
        switch (plan.kind()) {
            case ADOPTED -> replaceBest(BestPromoted.measured(served));
            case RECORDED -> replaceBest(BestPromoted.recorded(plan.recorded()));
            case LOAD -> {
                ModelVersion v = plan.record();
                try {
                    DualEncoder weights = DualEncoder.load(store.fetchCheckpoint(v, config.storeTimeout()));
                    // no checkpoint kept: training never restarts from the best, only from the served version
                    replaceBest(BestPromoted.measured(new ServedBaseline(v.getVersion(), weights, null,
                            v.getNewestEventTime(), null)));
                } catch (CheckpointUnavailableException | CheckpointException e) {
                    log.warn("the best, version {}, does not load ({}): its recorded score stands in", v.getVersion(),
                            e.getMessage());
                    replaceBest(BestPromoted.recorded(plan.recorded()));
                }
            }
        }
    }

    /** Version 0, once the content topic has been read: the seeded model with the tag vocabulary of the train items seen. */
    public void buildInitial() {
        List<List<String>> tags = takeTrainTags.get();
        TagVocabulary vocabulary = TagVocabulary.build(tags, config.vocabularyMinCount(), config.vocabularyMaxSize());
        replaceLineage(ModelLineage.initial(config.modelConfig(), vocabulary, config.modelSeed(), training));
        replaceServed(new ServedBaseline(0, DualEncoder.create(config.modelConfig(), vocabulary, config.modelSeed()),
                null, null, null));
        replaceBest(BestPromoted.measured(served));
        log.info("version 0 of {} built from seed {}: tag vocabulary of {} tags from {} train items", config.modelName(),
                config.modelSeed(), vocabulary.size(), tags.size());
    }

    /**
     * The candidate was published as the promoted {@code version}: it is now served and later
     * versions descend from it.
     *
     * @param newBest whether it scored above the best (it then becomes the best)
     */
    public void promoted(ModelVersion version, byte[] checkpoint, Evaluation evaluation, boolean newBest) {
        lineage.promoted(version.getVersion());
        replaceServed(new ServedBaseline(version.getVersion(), load(checkpoint), checkpoint,
                version.getNewestEventTime(), evaluation));
        if (newBest) {
            replaceBest(BestPromoted.measured(served));
        }
    }

    /**
     * The served version becomes the best: it scores above the held best on the current validation
     * set, or the best's recorded score cannot be compared with this set.
     */
    public void servedIsBest() {
        replaceBest(BestPromoted.measured(served));
    }

    /** Training goes on from the served weights: after a divergence or repeated rejections. */
    public void revertToServed(String why) {
        log.info("training restarts from served version {} ({})", served.version(), why);
        ModelLineage next;
        if (served.checkpoint() == null) {
            next = ModelLineage.initial(config.modelConfig(), lineage.model().vocabulary(), config.modelSeed(), training);
        } else {
            try {
                next = ModelLineage.resume(served.checkpoint(), served.version(), served.newestEventTime(), training);
            } catch (CheckpointException e) {
                throw new IllegalStateException("the served checkpoint no longer loads", e);
            }
        }
        replaceLineage(next);
    }

    /** The weights being trained; null until version 0 is built or a version resumed. */
    public ModelLineage lineage() {
        return lineage;
    }

    /** The served version the gate measures candidates against; null until there is a lineage. */
    public ServedBaseline served() {
        return served;
    }

    /** The best version promoted so far in the lineage; null until there is a lineage. */
    public BestPromoted best() {
        return best;
    }

    /** The served version training descends from (0 = the seeded initial model). */
    public long servedVersion() {
        return served == null ? 0 : served.version();
    }

    private void replaceLineage(ModelLineage next) {
        if (lineage != null) {
            lineage.close();
        }
        lineage = next;
        metrics.lineage(next.head(), next.step());
    }

    private void replaceServed(ServedBaseline next) {
        ServedBaseline old = served;
        served = next;
        closeUnlessHeld(old);
    }

    private void replaceBest(BestPromoted next) {
        BestPromoted old = best;
        best = next;
        if (old != null) {
            closeUnlessHeld(old.weights());
        }
    }

    /** The best's weights are often the served version's own: closed only once neither holds them. */
    private void closeUnlessHeld(ServedBaseline weights) {
        if (weights != null && weights != served && (best == null || weights != best.weights())) {
            weights.close();
        }
    }

    private static DualEncoder load(byte[] checkpoint) {
        try {
            return DualEncoder.load(checkpoint);
        } catch (CheckpointException e) {
            throw new IllegalStateException("a checkpoint just written does not load", e);
        }
    }

    @Override
    public void close() {
        ServedBaseline bestWeights = best == null || best.weights() == served ? null : best.weights();
        for (AutoCloseable c : new AutoCloseable[] {follower, lineage, served, bestWeights}) {
            if (c == null) {
                continue;
            }
            try {
                c.close();
            } catch (Exception e) {
                log.debug("closing {}: {}", c.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
