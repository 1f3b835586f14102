package io.vilstream.trainer;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.vilstream.model.training.StepResult;
import io.vilstream.schemas.avro.ModelVersion;
import io.vilstream.trainer.config.TrainerConfig;
import io.vilstream.trainer.gate.Evaluation;
import io.vilstream.trainer.gate.Gate;
import io.vilstream.trainer.gate.GateDecision;
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
 * divergence), it evaluates the candidate and the served version on the validation set, publishes
 * the verdict with the input offsets in one transaction, and acts on it: a promotion moves the
 * lineage on, a divergence or a run of rejections restarts training from the served weights.
 * A publication that fails (other than by fencing) is retried at the next gate.
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
        GateDecision decision = gate.decide(candidate, served, keeper.servedVersion(), diverged);
        Publication p;
        try {
            p = publisher.publish(lineage.model(), lineage.head(), lineage.step(), decision, lossMetrics(),
                    lineage.newestEventTime(), input.committable(), input.groupMetadata());
        } catch (KafkaException | IllegalStateException e) {
            if (TrainingLoop.fenced(e)) {
                throw e;
            }
            metrics.publicationFailed();
            log.warn("publication failed, retried at the next gate: {}", e.toString());
            publisher.reopen();
            if (diverged) {
                revert("diverged");
            }
            resetClock();
            return;
        }
        ModelVersion v = p.version();
        lastPublished = v.getVersion();
        metrics.published(v, decision, Duration.ofNanos(System.nanoTime() - t0));
        log.info("version {} (parent {}, step {}) {}", v.getVersion(), v.getParent(), v.getTrainingStep(), decision.reason());
        if (decision.promote()) {
            promotions++;
            rejectionsInRow = 0;
            keeper.promoted(v, p.checkpoint(), candidate);
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
