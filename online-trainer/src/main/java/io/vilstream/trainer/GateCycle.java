package io.vilstream.trainer;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

import io.vilstream.model.training.StepResult;
import io.vilstream.schemas.avro.ModelVersion;
import io.vilstream.trainer.config.TrainerConfig;
import io.vilstream.trainer.gate.BestPromoted;
import io.vilstream.trainer.gate.BestScore;
import io.vilstream.trainer.gate.Evaluation;
import io.vilstream.trainer.gate.Gate;
import io.vilstream.trainer.gate.GateDecision;
import io.vilstream.trainer.gate.RecallInterval;
import io.vilstream.trainer.gate.RecordedBest;
import io.vilstream.trainer.ingest.TrainerInput;
import io.vilstream.trainer.lineage.LineageKeeper;
import io.vilstream.trainer.lineage.ModelLineage;
import io.vilstream.trainer.metrics.TrainerMetrics;
import io.vilstream.trainer.publish.Publication;
import io.vilstream.trainer.publish.VersionPublisher;
import io.vilstream.trainer.validation.ValidationSet;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gate's turn in the loop: when it is due (every N steps or T seconds, at once after a
 * divergence), it scores the candidate, the served version and the best promoted version on the
 * validation set, publishes the verdict with the input offsets in one transaction, and acts on it:
 * a promotion moves the lineage on (and the best, if the candidate beat it), a divergence or a
 * run of rejections restarts training from the served weights. A publication that fails (other
 * than by fencing) is retried at the next gate.
 */
final class GateCycle {

    private static final Logger log = LoggerFactory.getLogger(GateCycle.class);

    private final TrainerConfig config;
    private final TrainerMetrics metrics;
    private final Gate gate;
    private final ValidationSet validation;
    private final LineageKeeper keeper;
    private final TrainerInput input;
    private final VersionPublisher publisher;

    private final Map<String, double[]> lossSums = new LinkedHashMap<>();
    private long stepsSinceGate;
    private long lastGateNanos = System.nanoTime();
    private long lastValidationWarning;
    private boolean diverged;
    private int rejectionsInRow;
    private long promotions;
    private long rejections;
    private long lastPublished;
    private int noiseReportedFor = -1;

    GateCycle(TrainerConfig config, TrainerMetrics metrics, Gate gate, ValidationSet validation, LineageKeeper keeper,
              TrainerInput input, VersionPublisher publisher) {
        this.config = config;
        this.metrics = metrics;
        this.gate = gate;
        this.validation = validation;
        this.keeper = keeper;
        this.input = input;
        this.publisher = publisher;
    }

    /** A step was trained: its losses count towards the next version's recorded means. */
    void stepped(StepResult result) {
        stepsSinceGate++;
        addLoss("total", result.loss());
        result.terms().forEach(this::addLoss);
    }

    /** The weights diverged: the candidate goes to the gate now (to be rejected) and training restarts. */
    void diverged() {
        diverged = true;
    }

    boolean divergedSinceGate() {
        return diverged;
    }

    /** Training continues from other weights (start, an adopted rollback, version 0): nothing of the old ones is pending. */
    void restart() {
        rejectionsInRow = 0;
        resetClock();
    }

    boolean due() {
        if (keeper.lineage() == null) {
            return false;
        }
        if (diverged) {
            return true;
        }
        return stepsSinceGate > 0 && (stepsSinceGate >= config.gateIntervalSteps()
                || System.nanoTime() - lastGateNanos >= config.gateInterval().toNanos());
    }

    /** Evaluates, publishes the verdict, and acts on it. */
    void run() {
        long t0 = System.nanoTime();
        if (validation.size() < config.validationMinItems()) {
            if (t0 - lastValidationWarning > Duration.ofMinutes(1).toNanos() || lastValidationWarning == 0) {
                log.warn("gate skipped: {} validation items, {} needed ({}); nothing is published until then",
                        validation.size(), config.validationMinItems(), TrainerConfig.VALIDATION_MIN_ITEMS);
                lastValidationWarning = t0;
            }
            if (diverged) {
                revert("diverged");
            }
            resetClock();
            return;
        }
        ModelLineage lineage = keeper.lineage();
        Evaluation candidate = gate.evaluate(lineage.model(), validation.items(), validation.revision());
        Evaluation served = keeper.served().evaluate(gate, validation);
        BestScore best = best(served);
        reportNoise(candidate);
        GateDecision decision = gate.decide(candidate, served, keeper.servedVersion(), best, diverged);
        Map<String, Double> recorded = new LinkedHashMap<>(decision.metrics());
        recorded.put(RecordedBest.FINGERPRINT, (double) gate.fingerprint(validation));
        recorded.putAll(lossMetrics());
        Publication p;
        try {
            p = publisher.publish(lineage.model(), lineage.head(), lineage.step(), decision, recorded,
                    lineage.newestEventTime(), input.committable(), input.groupMetadata());
        } catch (KafkaException | IllegalStateException e) {
            if (TrainingLoop.fenced(e)) {
                throw e;
            }
            publisher.reopen(); // the old producer closed, not leaked
            // a commit that timed out may have landed all the same: the versions topic says
            Optional<Publication> landed = publisher.landed();
            if (landed.isPresent()) {
                log.warn("publication reported a failure ({}) but version {} landed: carrying on as published", e.toString(),
                        landed.get().version().getVersion());
                p = landed.get();
            } else {
                metrics.publicationFailed();
                log.warn("publication failed, retried at the next gate: {}", e.toString());
                if (diverged) {
                    revert("diverged");
                }
                resetClock();
                return;
            }
        }
        ModelVersion v = p.version();
        lastPublished = v.getVersion();
        metrics.published(v, decision, Duration.ofNanos(System.nanoTime() - t0));
        log.info("version {} (parent {}, step {}) {}", v.getVersion(), v.getParent(), v.getTrainingStep(), decision.reason());
        if (decision.promote()) {
            promotions++;
            rejectionsInRow = 0;
            keeper.promoted(v, p.checkpoint(), candidate, decision.newBest());
        } else {
            rejections++;
            rejectionsInRow++;
            if (diverged) {
                revert("diverged");
            } else if (config.gateRevertAfterRejections() > 0 && rejectionsInRow >= config.gateRevertAfterRejections()) {
                revert(rejectionsInRow + " rejections in a row");
            }
        }
        resetClock();
    }

    /**
     * The best promoted version's score on the current validation set. The served version takes
     * its place when it now scores higher (the set changed since the best was chosen) or when the
     * best is known only by a score recorded on another set.
     */
    private BestScore best(Evaluation served) {
        BestPromoted b = keeper.best();
        OptionalDouble score = b.score(gate, validation);
        if (score.isEmpty()) {
            log.warn("the best promoted version, {}, is known only by a score recorded on another validation set (its "
                    + "weights are no longer retained): served version {} is the best from now on; more "
                    + "trainer.retention.versions keep the best's weights", b.version(), keeper.servedVersion());
            keeper.servedIsBest();
        } else if (b.version() != keeper.servedVersion() && served.score() > score.getAsDouble()) {
            log.info("served version {} now scores above the best, version {}, on the validation set: it is the best",
                    keeper.servedVersion(), b.version());
            keeper.servedIsBest();
        } else {
            return new BestScore(b.version(), score.getAsDouble(), b.weights() != null);
        }
        return new BestScore(keeper.servedVersion(), served.score(), true);
    }

    /** Once per validation-set size: the interval of a score on that many items, when it is wider than the tolerance. */
    private void reportNoise(Evaluation candidate) {
        if (candidate.items() == noiseReportedFor) {
            return;
        }
        noiseReportedFor = candidate.items();
        RecallInterval ci = candidate.interval();
        if (ci.width() > config.gateTolerance()) {
            log.warn("validation set of {} items ({} renditions each): the 95% interval of the candidate's {} {} is "
                            + "{}-{}, {} wide, wider than {} = {}; each version's score is only known to that width (the gate "
                            + "scores all versions on the same items, so their differences are steadier)",
                    ci.items(), candidate.renditions(), gate.metric().id(), fmt(ci.estimate()), fmt(ci.low()), fmt(ci.high()),
                    fmt(ci.width()), TrainerConfig.GATE_TOLERANCE, config.gateTolerance());
        }
    }

    private static String fmt(double v) {
        return String.format(java.util.Locale.ROOT, "%.4f", v);
    }

    private void revert(String why) {
        keeper.revertToServed(why);
        rejectionsInRow = 0;
    }

    private void resetClock() {
        stepsSinceGate = 0;
        lastGateNanos = System.nanoTime();
        diverged = false;
        lossSums.clear();
    }

    private void addLoss(String term, float value) {
        if (Float.isFinite(value)) {
            double[] s = lossSums.computeIfAbsent(term, t -> new double[2]);
            s[0] += value;
            s[1]++;
        }
    }

    private Map<String, Double> lossMetrics() {
        Map<String, Double> m = new LinkedHashMap<>();
        lossSums.forEach((term, s) -> m.put("loss." + term, s[0] / Math.max(1, s[1])));
        m.put("train.steps.since.gate", (double) stepsSinceGate);
        return m;
    }

    long promotions() {
        return promotions;
    }

    long rejections() {
        return rejections;
    }

    /** The last version this instance published, 0 if none. */
    long lastPublished() {
        return lastPublished;
    }
}
