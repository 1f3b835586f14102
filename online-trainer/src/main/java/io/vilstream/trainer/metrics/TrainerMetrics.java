package io.vilstream.trainer.metrics;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.vilstream.model.eval.Recall;
import io.vilstream.model.loss.ViewPair;
import io.vilstream.model.training.StepResult;
import io.vilstream.schemas.avro.ModelVersion;
import io.vilstream.trainer.gate.GateDecision;
import io.vilstream.trainer.gate.RecallInterval;

/**
 * The trainer's meters ({@code vilstream.trainer.*}, Prometheus {@code vilstream_trainer_*}):
 * steps and items (rates give steps/s and items/s), loss per term and logit scales of the last
 * step, queue sizes, staleness of each published version, validation recall per version,
 * promotions and rejections, the last promotion time and the current version. The names are
 * the deployment's contract (deploy/ dashboards and alerts query them).
 */
public final class TrainerMetrics {

    private static final String P = "vilstream.trainer.";

    private final MeterRegistry registry;
    private final Counter steps;
    private final Counter items;
    private final Counter newItems;
    private final Counter hardNegatives;
    private final Counter promotions;
    private final Counter rejections;
    private final Counter publicationFailures;
    private final Counter servedLoadFailures;
    private final Timer stepTime;
    private final Timer gateTime;
    private final Map<String, Counter> content = new ConcurrentHashMap<>();
    private final Map<String, AtomicDouble> losses = new ConcurrentHashMap<>();
    private final Map<Integer, AtomicDouble> scales = new ConcurrentHashMap<>();
    private final AtomicLong lastPromotionEpochSeconds = new AtomicLong();
    private final AtomicLong servedVersion = new AtomicLong();
    private final AtomicLong lineageStep = new AtomicLong();
    private final AtomicDouble candidateScore = new AtomicDouble();
    private final AtomicDouble candidateLow = new AtomicDouble();
    private final AtomicDouble candidateHigh = new AtomicDouble();
    private final AtomicDouble bestScore = new AtomicDouble();
    private final AtomicDouble bestVersion = new AtomicDouble();
    private final AtomicDouble threshold = new AtomicDouble();
    private final Deque<List<Meter.Id>> versionGauges = new ArrayDeque<>();
    private final int versionsShown;

    /** A mutable double a gauge reads. */
    private static final class AtomicDouble {
        private volatile double value = Double.NaN;
    }

    /** @param versionsShown how many versions keep their recall gauges (older ones are removed) */
    public TrainerMetrics(MeterRegistry registry, int versionsShown) {
        this.registry = registry;
        this.versionsShown = versionsShown;
        steps = Counter.builder(P + "steps").description("Training steps").register(registry);
        items = Counter.builder(P + "items").description("Anchor items trained (new and replayed)").register(registry);
        newItems = Counter.builder(P + "items.new").description("Items from the stream trained for the first time").register(registry);
        hardNegatives = Counter.builder(P + "hard.negatives.used").description("Hard-negative columns used by the loss").register(registry);
        promotions = Counter.builder(P + "promotions").description("Versions promoted by the gate").register(registry);
        rejections = Counter.builder(P + "rejections").description("Candidates rejected by the gate").register(registry);
        publicationFailures = Counter.builder(P + "publication.failures").description("Publications aborted (retried at the next gate)").register(registry);
        servedLoadFailures = Counter.builder(P + "served.load.failures")
                .description("Failed loads of a served version this trainer did not promote (retried with back-off)").register(registry);
        stepTime = Timer.builder(P + "step.duration").description("Wall time of one training step").register(registry);
        gateTime = Timer.builder(P + "gate.duration").description("Evaluation and publication of one candidate").register(registry);
        Gauge.builder(P + "last.promotion.timestamp", lastPromotionEpochSeconds, AtomicLong::get)
                .description("Epoch seconds of the last promotion (0 = none yet)").baseUnit("seconds").register(registry);
        Gauge.builder(P + "model.version", servedVersion, AtomicLong::get)
                .description("The promoted version the trainer's weights descend from").register(registry);
        Gauge.builder(P + "lineage.step", lineageStep, AtomicLong::get).description("Training step of the current weights").register(registry);
        String[] bounds = {"estimate", "ci95_low", "ci95_high"};
        AtomicDouble[] values = {candidateScore, candidateLow, candidateHigh};
        for (int i = 0; i < bounds.length; i++) {
            Gauge.builder(P + "gate.candidate.score", values[i], x -> x.value).tag("bound", bounds[i])
                    .description("The last candidate's gate score on the validation set and its 95% interval").register(registry);
        }
        Gauge.builder(P + "gate.best.score", bestScore, x -> x.value)
                .description("Score of the best promoted version on the set the last candidate was scored on").register(registry);
        Gauge.builder(P + "gate.best.version", bestVersion, x -> x.value)
                .description("The best promoted version the last candidate was judged against").register(registry);
        Gauge.builder(P + "gate.threshold", threshold, x -> x.value)
                .description("The score the last candidate needed (served - tolerance, best - floor)").register(registry);
    }

    /** Gauges over the trainer's queues, read when scraped. */
    public void sizes(Supplier<Number> replay, Supplier<Number> fresh, Supplier<Number> hardNegativeQueue,
                      Supplier<Number> cache, Supplier<Number> validation) {
        Gauge.builder(P + "replay.size", replay).description("Items in the replay buffer").register(registry);
        Gauge.builder(P + "fresh.queue.size", fresh).description("New items waiting for their first step").register(registry);
        Gauge.builder(P + "hard.negative.queue.size", hardNegativeQueue).description("Anchors with queued hard negatives").register(registry);
        Gauge.builder(P + "content.cache.size", cache).description("Train content events cached for hard-negative lookup").register(registry);
        Gauge.builder(P + "validation.size", validation).description("Items in the validation set").register(registry);
    }

    public void content(String outcome) {
        content.computeIfAbsent(outcome, o -> Counter.builder(P + "content.records").tag("outcome", o)
                .description("Content records read, by where they went").register(registry)).increment();
    }

    public void step(StepResult r, int anchors, int fresh) {
        steps.increment();
        items.increment(anchors);
        newItems.increment(fresh);
        hardNegatives.increment(r.hardNegatives());
        stepTime.record(Duration.ofMillis(r.millis()));
        lineageStep.set(r.step());
        gauge(losses, "total", r.loss(), "term");
        r.terms().forEach((term, v) -> gauge(losses, term, v, "term"));
        float[] s = r.logitScales();
        for (int i = 0; i < s.length; i++) {
            // one scale per scale-owning view pair, in ViewPair order, or one shared by all
            String pair = s.length == ViewPair.SCALE_COUNT ? ViewPair.ownerOfScale(i).label() : "shared";
            scales.computeIfAbsent(i, k -> {
                AtomicDouble d = new AtomicDouble();
                Gauge.builder(P + "logit.scale", d, x -> x.value).tag("pair", pair)
                        .description("Learned logit scale (log inverse temperature) per loss term").register(registry);
                return d;
            }).value = s[i];
        }
    }

    private void gauge(Map<String, AtomicDouble> map, String key, double value, String tag) {
        map.computeIfAbsent(key, k -> {
            AtomicDouble d = new AtomicDouble();
            Gauge.builder(P + "loss", d, x -> x.value).tag(tag, k).description("Loss of the last step per term").register(registry);
            return d;
        }).value = value;
    }

    /** A published version: staleness, the gate's verdict, and its validation recall. */
    public void published(ModelVersion version, GateDecision decision, Duration gateWall) {
        gateTime.record(gateWall);
        String status = decision.promote() ? "promoted" : "rejected";
        (decision.promote() ? promotions : rejections).increment();
        if (version.getNewestEventTime() != null) {
            Timer.builder(P + "staleness").tag("status", status)
                    .description("Event time of the newest item trained on → publication of its version")
                    .publishPercentiles(0.5, 0.99).publishPercentileHistogram().register(registry)
                    .record(Duration.between(version.getNewestEventTime(), version.getCreatedAt()));
        }
        RecallInterval ci = decision.candidate().interval();
        candidateScore.value = ci.estimate();
        candidateLow.value = ci.low();
        candidateHigh.value = ci.high();
        bestScore.value = decision.best().score();
        bestVersion.value = decision.best().version();
        threshold.value = decision.threshold();
        if (decision.promote()) {
            lastPromotionEpochSeconds.set(version.getCreatedAt().getEpochSecond());
            servedVersion.set(version.getVersion());
        }
        List<Meter.Id> ids = new ArrayList<>();
        String v = String.valueOf(version.getVersion());
        recall(ids, v, "i2t", decision.candidate().retrieval().i2t());
        recall(ids, v, "t2i", decision.candidate().retrieval().t2i());
        versionGauges.addLast(ids);
        while (versionGauges.size() > versionsShown) {
            versionGauges.removeFirst().forEach(registry::remove);
        }
    }

    private void recall(List<Meter.Id> ids, String version, String direction, Recall r) {
        double[] values = {r.r1(), r.r5(), r.r10()};
        String[] ks = {"1", "5", "10"};
        for (int i = 0; i < ks.length; i++) {
            double value = values[i];
            ids.add(Gauge.builder(P + "validation.recall", () -> value)
                    .tags(Tags.of("version", version, "direction", direction, "k", ks[i]))
                    .description("Recall@k of a published version on the validation set").register(registry).getId());
        }
    }

    /** The weights now descend from this version (a resume or a rollback). */
    public void lineage(long version, long step) {
        servedVersion.set(version);
        lineageStep.set(step);
    }

    public void servedLoadFailed() {
        servedLoadFailures.increment();
    }

    public void publicationFailed() {
        publicationFailures.increment();
    }
}
