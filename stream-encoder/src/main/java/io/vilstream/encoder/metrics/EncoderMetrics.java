package io.vilstream.encoder.metrics;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The encoder's meters (Prometheus names {@code vilstream_encoder_*}): records in, out by
 * modality, DLQ by reason, batch size, encode latency, event-to-output latency, the model
 * version in use, hot swaps and failed loads. Counts reconcile: in = valid + deletes + DLQ, and
 * every valid record yields one image and one text embedding (unless its id is deleted first).
 */
public final class EncoderMetrics {

    private final MeterRegistry registry;
    private final Counter recordsIn;
    private final Counter imageOut;
    private final Counter textOut;
    private final Counter tagsOut;
    private final Counter hardNegativesOut;
    private final DistributionSummary batchSize;
    private final Timer encode;
    private final Timer eventToOutput;
    private final Counter swaps;
    private final Counter loadFailures;
    private final Counter encodeFailures;
    private final Counter deletes;
    private final Counter loadsGivenUp;
    private final AtomicLong version = new AtomicLong(-1);

    private final String pipeline;

    public EncoderMetrics(MeterRegistry registry) {
        this(registry, "live");
    }

    /**
     * @param pipeline {@code live} for the encoder, {@code backfill} for a backfill run: one tag
     *                 on every meter, so backfills never blur the live throughput and DLQ counts
     */
    public EncoderMetrics(MeterRegistry registry, String pipeline) {
        this.registry = registry;
        this.pipeline = pipeline;
        this.recordsIn = Counter.builder("vilstream.encoder.records.in").description("content records consumed").tag("pipeline", pipeline).register(registry);
        this.imageOut = out("image");
        this.textOut = out("text");
        this.tagsOut = Counter.builder("vilstream.encoder.tags.out").description("object-tag records produced").tag("pipeline", pipeline).register(registry);
        this.hardNegativesOut = Counter.builder("vilstream.encoder.hard.negatives.out").description("hard-negative records produced").tag("pipeline", pipeline).register(registry);
        this.batchSize = DistributionSummary.builder("vilstream.encoder.batch.size").description("items per encoded batch")
                .publishPercentiles(0.5, 0.99).tag("pipeline", pipeline).register(registry);
        this.encode = Timer.builder("vilstream.encoder.encode").description("tower forward time per batch")
                .publishPercentileHistogram().tag("pipeline", pipeline).register(registry);
        this.eventToOutput = Timer.builder("vilstream.encoder.event.to.output").description("content event time to embedding output")
                .publishPercentileHistogram().maximumExpectedValue(Duration.ofMinutes(5)).tag("pipeline", pipeline).register(registry);
        this.swaps = Counter.builder("vilstream.encoder.model.swaps").description("model versions swapped in").tag("pipeline", pipeline).register(registry);
        this.loadFailures = Counter.builder("vilstream.encoder.model.load.failures").description("model versions that failed to load").tag("pipeline", pipeline).register(registry);
        this.encodeFailures = Counter.builder("vilstream.encoder.encode.failures")
                .description("records whose tower batch failed (live: sent to the DLQ; backfill: encoded again)")
                .tag("pipeline", pipeline).register(registry);
        this.loadsGivenUp = Counter.builder("vilstream.encoder.model.load.given.up")
                .description("served versions whose checkpoint stayed corrupt after the bounded attempts")
                .tag("pipeline", pipeline).register(registry);
        this.deletes = Counter.builder("vilstream.encoder.deletes")
                .description("content tombstones passed on as tombstones on the embedding and tag topics")
                .tag("pipeline", pipeline).register(registry);
        registry.gauge("vilstream.encoder.model.version", java.util.List.of(io.micrometer.core.instrument.Tag.of("pipeline", pipeline)), version);
    }

    private Counter out(String modality) {
        return Counter.builder("vilstream.encoder.records.out").tag("modality", modality)
                .description("embedding records produced").tag("pipeline", pipeline).register(registry);
    }

    public void recordIn() {
        recordsIn.increment();
    }

    public void dlq(String reason) {
        Counter.builder("vilstream.encoder.dlq").tag("reason", reason).description("records sent to the DLQ")
                .tag("pipeline", pipeline).register(registry).increment();
    }

    public void batch(int items, long encodeNanos) {
        batchSize.record(items);
        encode.record(encodeNanos, TimeUnit.NANOSECONDS);
    }

    public void embedded(long eventTimeMillis, long nowMillis) {
        imageOut.increment();
        textOut.increment();
        eventToOutput.record(Math.max(0, nowMillis - eventTimeMillis), TimeUnit.MILLISECONDS);
    }

    /** A backfill found the item already embedded with its version. */
    public void skipped() {
        Counter.builder("vilstream.encoder.skipped").description("items a backfill found already embedded with its version")
                .tag("pipeline", pipeline).register(registry).increment();
    }

    public void tags() {
        tagsOut.increment();
    }

    public void hardNegatives() {
        hardNegativesOut.increment();
    }

    public void modelSwapped(long newVersion) {
        swaps.increment();
        version.set(newVersion);
    }

    public void modelInUse(long v) {
        version.set(v);
    }

    public void modelLoadFailed() {
        loadFailures.increment();
    }

    /** A served version was given up on: its checkpoint is corrupt. */
    public void modelLoadGivenUp() {
        loadsGivenUp.increment();
    }

    public double loadGivenUpCount() {
        return loadsGivenUp.count();
    }

    /** The towers failed on a batch of {@code records}. */
    public void encodeFailed(int records) {
        encodeFailures.increment(records);
    }

    /** A content tombstone was passed on (the item is deleted downstream). */
    public void deleted() {
        deletes.increment();
    }

    public double deleteCount() {
        return deletes.count();
    }

    public double encodeFailureCount() {
        return encodeFailures.count();
    }

    public double dlqCount(String reason) {
        Counter c = registry.find("vilstream.encoder.dlq").tag("reason", reason).tag("pipeline", pipeline).counter();
        return c == null ? 0 : c.count();
    }

    public double swapCount() {
        return swaps.count();
    }

    public double loadFailureCount() {
        return loadFailures.count();
    }

    public Timer eventToOutputTimer() {
        return eventToOutput;
    }

    public MeterRegistry registry() {
        return registry;
    }
}
