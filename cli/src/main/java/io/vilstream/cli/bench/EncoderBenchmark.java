package io.vilstream.cli.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.vilstream.cli.local.LocalCluster;
import io.vilstream.datasets.events.ContentEvents;
import io.vilstream.datasets.item.EmojiItem;
import io.vilstream.datasets.produce.ContentProducer;
import io.vilstream.encoder.EncoderService;
import io.vilstream.encoder.batching.TowerWorkers;
import io.vilstream.encoder.config.EncoderConfig;
import io.vilstream.model.backbone.FeatureCache;
import io.vilstream.model.config.ModelConfig;
import io.vilstream.model.image.ImageDecoder;
import io.vilstream.model.towers.DualEncoder;
import io.vilstream.runtime.config.CommonConfig;
import io.vilstream.schemas.avro.ContentEvent;
import io.vilstream.schemas.avro.Embedding;
import io.vilstream.schemas.serde.AvroSerde;
import io.vilstream.schemas.topics.VilstreamTopic;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * {@code vilstream bench encoder}: in one run on an embedded broker, (1) the raw tower forward
 * throughput at the batch size (image tower + tagger + text tower on pre-decoded inputs), (2) the
 * full topology's throughput with exactly_once_v2 (Avro, validation, image decoding, batching,
 * Kafka, transactions) on a backlog, their ratio, and (3) event-to-embedding latency p50/p99
 * when content arrives at about 50 % and 90 % of that measured maximum rate.
 *
 * <p>The throughput run does not depend on how fast the producer is. A warm-up encoder (its own
 * application id) runs until the JIT compilers are quiet and drains what it was given, then
 * stops. The backlog is produced while nothing reads the content topic, and a second encoder
 * instance in the same warm JVM starts on it, its consumer group committed beforehand at the
 * topic's end as it was before the backlog, so it reads exactly the backlog, all of it already
 * there. The window runs from the first poll of the backlog's committed outputs to the last
 * output, and counts only the items that came out after its start: the instance's start-up
 * (rebalance, model load, first transaction) is outside it, and so is the producer.
 *
 * <p>Raw and pipeline compare like with like: the same model configuration (the encoder's
 * model.preset and model.seed, {@code --set} included), the same items, and, with a pretrained
 * text backbone, the same process-wide feature cache, whose hits and misses are printed for the
 * raw run and the backlog (repeated texts cost a look-up in both).
 */
public final class EncoderBenchmark {

    private final List<EmojiItem> items;
    private final int batchSize;
    private final int backlog;
    private final int warmup;
    private final Duration maxWarmup;
    private final Map<String, String> overrides = new HashMap<>();
    private final Duration latencyRun;
    private final PrintStream out;
    /** The text backbone's feature cache (null for the hashed text tower), and what the raw run did with it. */
    private FeatureCache textCache;
    private CacheFigures rawCache;

    /** Consumer groups (application ids) of the two encoder instances: the timed one starts where we say. */
    static final String WARM_UP_APP = "bench-encoder-warm-up";
    static final String TIMED_APP = "bench-encoder-timed";

    public EncoderBenchmark(List<EmojiItem> items, int batchSize, int backlog, int warmup, Duration maxWarmup,
                            Duration latencyRun, PrintStream out) {
        this.warmup = warmup;
        this.maxWarmup = maxWarmup;
        this.items = items;
        this.batchSize = batchSize;
        this.backlog = backlog;
        this.latencyRun = latencyRun;
        this.out = out;
    }

    /** Encoder configuration for the pipeline run (e.g. encoder.num.stream.threads). */
    public EncoderBenchmark with(Map<String, String> settings) {
        overrides.putAll(settings);
        return this;
    }

    public Map<String, Object> run(Path workDir) throws Exception {
        // the towers the pipeline run will serve (model.preset and model.seed as --set leaves them)
        EncoderConfig probe = new EncoderConfig(overridesWith(Map.of("bootstrap.servers", "127.0.0.1:1",
                "schema.registry.url", "http://127.0.0.1:1")));
        Map<String, Object> rawConfigs = rawThroughput(probe.modelConfig(), probe.getLong(CommonConfig.MODEL_SEED),
                towersSetting(EncoderConfig.TOWERS_WORKERS), towersSetting(EncoderConfig.TOWERS_THREADS));
        double raw = rawConfigs.values().stream().mapToDouble(v -> (Double) v).max().orElseThrow();
        out.printf("raw towers: %.1f items/s at batch %d (the best of %s)%n", raw, batchSize, rawConfigs);
        try (LocalCluster cluster = LocalCluster.inProcess(4)) {
            Map<String, Object> props = overridesWith(Map.of(
                    "bootstrap.servers", cluster.settings().bootstrapServers(),
                    "schema.registry.url", cluster.settings().registryUrl(),
                    "metrics.port", "0",
                    EncoderConfig.STATE_DIR, workDir.resolve("state").toString(),
                    EncoderConfig.BACKFILL_ENABLED, "false"));
            AtomicLong seq = new AtomicLong();
            Outputs outputs = new Outputs(cluster);
            double pipeline;
            Map<String, Object> warm;
            Map<String, Object> cache = new LinkedHashMap<>();
            Map<String, Object> latency = new LinkedHashMap<>();
            try {
                try (EncoderService warmUpEncoder = EncoderService.start(new EncoderConfig(withApplicationId(props, WARM_UP_APP)))) {
                    warm = warmUp(cluster, outputs, seq);
                    outputs.awaitCount(seq.get(), Duration.ofMinutes(10)); // nothing of the warm-up is left over
                }
                // the backlog lands while no encoder reads the content topic: the timed encoder's
                // group starts at the topic's end as it was before the backlog, so it sees the
                // backlog, all of it already there, and nothing else
                startAtEnd(cluster, TIMED_APP);
                long before = seq.get();
                produce(cluster, backlog, 0, seq);
                long target = seq.get();
                CacheFigures c0 = CacheFigures.of(textCache);
                outputs.armWindow(before);
                try (EncoderService encoder = EncoderService.start(new EncoderConfig(withApplicationId(props, TIMED_APP)))) {
                    outputs.awaitWindowStart(Duration.ofMinutes(5));
                    Breakdown b0 = Breakdown.of(encoder);
                    outputs.awaitCount(target, Duration.ofMinutes(10));
                    Breakdown b1 = Breakdown.of(encoder);
                    CacheFigures c1 = CacheFigures.of(textCache);
                    long timed = target - outputs.windowStartDone();
                    if (timed <= 0) {
                        throw new IllegalStateException("the whole backlog came out in the first commit: nothing left "
                                + "to time; raise --backlog");
                    }
                    pipeline = timed / ((outputs.lastNanos() - outputs.windowStartNanos()) / 1e9);
                    out.println(b1.minus(b0));
                    out.printf("pipeline: %.1f items/s over %d items (ratio %.2f)%n", pipeline, timed, pipeline / raw);
                    if (textCache != null) {
                        out.println("text backbone cache, backlog: " + c1.minus(c0) + "; raw run: " + rawCache);
                        cache.put("raw", rawCache.json());
                        cache.put("backlog", c1.minus(c0).json());
                    }
                    for (int pct : new int[] {50, 90}) {
                        double rate = pipeline * pct / 100.0;
                        outputs.startLatency();
                        long sent = produce(cluster, (int) (rate * latencyRun.toSeconds()), rate, seq);
                        outputs.awaitLatencyCount(sent, Duration.ofMinutes(5));
                        LatencyRecorder l = outputs.latency();
                        out.printf("latency at %d%% (%.1f items/s, %d events): p50 %.0f ms, p99 %.0f ms%n", pct, rate, sent,
                                l.percentile(50), l.percentile(99));
                        latency.put("p50_at_" + pct, round(l.percentile(50)));
                        latency.put("p99_at_" + pct, round(l.percentile(99)));
                    }
                }
            } finally {
                outputs.close();
            }
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("raw_items_per_s", round(raw));
            json.put("pipeline_items_per_s", round(pipeline));
            json.put("ratio", Math.round(pipeline / raw * 1000) / 1000.0);
            json.put("latency_ms", latency);
            json.put("raw_by_config", rawConfigs);
            json.put("batch_size", batchSize);
            json.put("backlog", backlog);
            json.put("warmup", warm);
            if (textCache != null) {
                json.put("text_backbone_cache", cache);
            }
            json.put("settings", new java.util.TreeMap<>(overrides));
            return json;
        }
    }

    private static Map<String, Object> withApplicationId(Map<String, Object> props, String applicationId) {
        Map<String, Object> p = new HashMap<>(props);
        p.put(EncoderConfig.APPLICATION_ID, applicationId);
        return p;
    }

    /**
     * Commits, for a consumer group that has not run yet, the content topic's end offsets as they
     * are now: a Streams app with that application id starts there instead of at the beginning.
     */
    private static void startAtEnd(LocalCluster cluster, String group) throws Exception {
        String topic = cluster.topics().name(VilstreamTopic.CONTENT);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.settings().bootstrapServers()))) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions()
                    .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS)
                    .forEach((tp, info) -> offsets.put(tp, new OffsetAndMetadata(info.offset())));
            admin.alterConsumerGroupOffsets(group, offsets).all().get(30, TimeUnit.SECONDS);
        }
    }

    /** The text backbone cache's counters at one moment; {@link #minus} gives what happened in between. */
    record CacheFigures(long hits, long misses, int size) {
        static CacheFigures of(FeatureCache cache) {
            return cache == null ? new CacheFigures(0, 0, 0) : new CacheFigures(cache.hits(), cache.misses(), cache.size());
        }

        CacheFigures minus(CacheFigures earlier) {
            return new CacheFigures(hits - earlier.hits, misses - earlier.misses, size);
        }

        Map<String, Object> json() {
            return Map.of("hits", hits, "misses", misses, "size", size);
        }

        @Override
        public String toString() {
            return String.format("%d hits, %d misses (%d texts cached)", hits, misses, size);
        }
    }

    /** The encoder's tower setting as the pipeline run will have it: --set, else its default. */
    private int towersSetting(String key) {
        String set = overrides.get(key);
        return set != null ? Integer.parseInt(set.trim()) : (Integer) EncoderConfig.CONFIG.defaultValues().get(key);
    }

    private Map<String, Object> overridesWith(Map<String, String> base) {
        Map<String, Object> props = new HashMap<>(base);
        props.put(EncoderConfig.BATCH_SIZE, String.valueOf(batchSize));
        props.putAll(overrides);
        return props;
    }

    /**
     * Keeps the encoder busy (a backlog of at least {@code warmup} events, topped up) until the JIT
     * compilers have been nearly idle for {@link #QUIET_WINDOW_S} seconds, or for at most
     * {@code maxWarmup}. In one JVM with a broker, Kafka clients, Avro and DJL, C2 compiles for a
     * minute or more of load and takes a core meanwhile on a small machine: measured before it
     * settles, the pipeline's figure is the compiler's, not the steady state a running service has.
     */
    private Map<String, Object> warmUp(LocalCluster cluster, Outputs outputs, AtomicLong seq) throws InterruptedException {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        long start = System.nanoTime();
        produce(cluster, warmup, 0, seq);
        ArrayDeque<long[]> samples = new ArrayDeque<>(); // {nanos, compile ms}
        double rate = Double.NaN;
        while (true) {
            Thread.sleep(1000);
            long now = System.nanoTime();
            samples.add(new long[] {now, jit.getTotalCompilationTime()});
            while (samples.size() > 1 && now - samples.peekFirst()[0] > QUIET_WINDOW_S * 1_000_000_000L) {
                samples.pollFirst();
            }
            long[] first = samples.peekFirst();
            boolean fullWindow = now - start >= QUIET_WINDOW_S * 1_000_000_000L && samples.size() > 1;
            rate = fullWindow ? (samples.peekLast()[1] - first[1]) / ((now - first[0]) / 1e6) : Double.NaN;
            boolean quiet = fullWindow && outputs.done() >= warmup && rate < QUIET_COMPILER_CORES;
            boolean timedOut = now - start > maxWarmup.toNanos();
            if (quiet || timedOut) {
                double seconds = (now - start) / 1e9;
                out.printf("warm-up: %.0f s, %d events; JIT compilers %.2f cores over the last %d s%s%n", seconds, seq.get(),
                        rate, QUIET_WINDOW_S, quiet ? "" : " (not quiet: stopped at --max-warmup-seconds)");
                Map<String, Object> w = new LinkedHashMap<>();
                w.put("seconds", round(seconds));
                w.put("events", seq.get());
                w.put("jit_cores_last_" + QUIET_WINDOW_S + "_s", Math.round(rate * 1000) / 1000.0);
                w.put("jit_quiet", quiet);
                return w;
            }
            if (seq.get() - outputs.done() < TOP_UP) { // keep it busy: never let the backlog run dry
                produce(cluster, TOP_UP, 0, seq);
            }
        }
    }

    /** The compilers count as quiet below this many cores' worth of compiling (a tenth of a core). */
    static final double QUIET_COMPILER_CORES = 0.1;
    static final int QUIET_WINDOW_S = 10;
    static final int TOP_UP = 2000;

    /**
     * Items per second through the towers alone (images with embedding + tags, and captions), on
     * pre-decoded inputs, each caller looping over the same batch: one caller with libtorch's
     * default threads (every core); one one-thread worker per core; the encoder's configured
     * workers. The raw figure is the best of them, whatever the pipeline run is configured with.
     */
    Map<String, Object> rawThroughput(ModelConfig config, long seed, int workers, int threadsEach) throws InterruptedException {
        ImageDecoder decoder = new ImageDecoder(config.imageSize());
        List<float[]> images = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < batchSize; i++) {
            EmojiItem item = items.get(i % items.size());
            try {
                images.add(decoder.decode(item.renditions().get(0).png()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            texts.add(item.name());
        }
        Map<String, Object> result = new LinkedHashMap<>();
        try (DualEncoder model = DualEncoder.initial(config, seed)) {
            // the backbone is the process's: the pipeline's encoders share this cache
            textCache = model.hasTextBackbone() ? model.textBackbone().cache() : null;
            CacheFigures before = CacheFigures.of(textCache);
            Runnable batch = () -> {
                model.encodeImagesWithTags(images, 5, 0.3f);
                model.encodeTexts(texts);
            };
            // a new thread: libtorch's default intra-op threads, whatever this one was set to
            result.put("1_caller_default_threads", round(timedBatches(batch, 1, r -> new Thread(r, "bench-raw").start())));
            int cores = Runtime.getRuntime().availableProcessors();
            for (int[] towersConfig : new int[][] {{cores, 1}, {workers, threadsEach}}) { // the fastest on CPUs, and the configured
                try (TowerWorkers towers = TowerWorkers.start(towersConfig[0], towersConfig[1])) {
                    String name = towers.workers() + "_workers_" + (towersConfig[1] == 0 ? "default" : towersConfig[1]) + "_threads";
                    if (!result.containsKey(name)) {
                        result.put(name, round(timedBatches(batch, towers.workers(), towers)));
                    }
                }
            }
            rawCache = CacheFigures.of(textCache).minus(before);
        }
        return result;
    }

    /** Items per second when {@code callers} loop over {@code batch} at once for 10 s, after 5 warm-up batches each. */
    private double timedBatches(Runnable batch, int callers, Executor executor) throws InterruptedException {
        AtomicLong batches = new AtomicLong();
        CountDownLatch warmed = new CountDownLatch(callers);
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(callers);
        long[] window = new long[2];
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Runnable caller = () -> {
            try {
                for (int i = 0; i < 5; i++) { // first calls allocate and tune kernels
                    batch.run();
                }
                warmed.countDown();
                go.await();
                while (System.nanoTime() < window[1]) {
                    batch.run();
                    batches.incrementAndGet();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                failure.set(e);
            } finally {
                warmed.countDown();
                done.countDown();
            }
        };
        for (int i = 0; i < callers; i++) {
            executor.execute(caller);
        }
        warmed.await();
        window[0] = System.nanoTime();
        window[1] = window[0] + TimeUnit.SECONDS.toNanos(10);
        go.countDown();
        done.await();
        if (failure.get() != null) {
            throw failure.get();
        }
        long end = Math.max(System.nanoTime(), window[1]);
        return batches.get() * (double) batchSize / ((end - window[0]) / 1e9);
    }

    /** Sends {@code n} events at {@code rate} (0: at once), cycling through the items, each with a new id; returns n. */
    private long produce(LocalCluster cluster, int n, double rate, AtomicLong seq) throws InterruptedException {
        try (ContentProducer producer = ContentProducer.open(cluster.settings().common(),
                AvroSerde.forValues(ContentEvent.class, cluster.settings().serdeConfig()).serializer(),
                cluster.topics().name(VilstreamTopic.CONTENT))) {
            return producer.publish(n, rate, () -> false, i -> {
                long id = seq.getAndIncrement();
                ContentEvent e = ContentEvents.from(items.get((int) (id % items.size())), Instant.now());
                e.setId("bench-" + id);
                return e;
            });
        }
    }

    /**
     * A read_committed reader of the embedding topics: counts items with both embeddings, times
     * outputs. The timed window opens when, after {@link #armWindow}, a poll's records first raise
     * the count past the given one (the first committed outputs of the backlog).
     */
    private static final class Outputs implements AutoCloseable {
        private final Thread thread;
        private final Set<String> images = ConcurrentHashMap.newKeySet();
        private final Set<String> texts = ConcurrentHashMap.newKeySet();
        private final AtomicLong last = new AtomicLong();
        private volatile long armedAfter = Long.MAX_VALUE;
        private volatile long windowStartNanos;
        private volatile long windowStartDone;
        private volatile LatencyRecorder latency;
        private final AtomicLong latencyCount = new AtomicLong();
        private volatile boolean running = true;

        Outputs(LocalCluster cluster) {
            Map<String, Object> p = cluster.settings().common();
            p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-reader");
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            String imageTopic = cluster.topics().name(VilstreamTopic.EMBEDDINGS_IMAGE);
            String textTopic = cluster.topics().name(VilstreamTopic.EMBEDDINGS_TEXT);
            var des = AvroSerde.forValues(Embedding.class, cluster.settings().serdeConfig()).deserializer();
            thread = new Thread(() -> {
                try (KafkaConsumer<String, Embedding> c = new KafkaConsumer<>(p, new StringDeserializer(), des)) {
                    c.subscribe(List.of(imageTopic, textTopic));
                    while (running) {
                        var records = c.poll(Duration.ofMillis(50));
                        for (ConsumerRecord<String, Embedding> r : records) {
                            long now = System.currentTimeMillis();
                            boolean image = r.topic().equals(imageTopic);
                            (image ? images : texts).add(r.key());
                            last.set(System.nanoTime());
                            LatencyRecorder l = latency;
                            if (image && l != null) {
                                l.record(now - r.value().getEventTime().toEpochMilli());
                                latencyCount.incrementAndGet();
                            }
                        }
                        long done = done();
                        if (!records.isEmpty() && windowStartNanos == 0 && done > armedAfter) {
                            windowStartDone = done;
                            windowStartNanos = last.get();
                        }
                    }
                }
            }, "bench-reader");
            thread.setDaemon(true);
            thread.start();
        }

        /** Items with both their image and text embedding read. */
        long done() {
            return Math.min(images.size(), texts.size());
        }

        long lastNanos() {
            return last.get();
        }

        void awaitCount(long n, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (done() < n) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + done() + " of " + n + " items embedded in " + timeout);
                }
                Thread.sleep(20);
            }
        }

        /** Opens the timed window at the first poll that takes the count past {@code done}. */
        void armWindow(long done) {
            windowStartNanos = 0;
            armedAfter = done;
        }

        void awaitWindowStart(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (windowStartNanos == 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no output of the backlog in " + timeout);
                }
                Thread.sleep(5);
            }
        }

        long windowStartNanos() {
            return windowStartNanos;
        }

        /** Items with both embeddings at the window's start: they are not timed. */
        long windowStartDone() {
            return windowStartDone;
        }

        void startLatency() {
            latencyCount.set(0);
            latency = new LatencyRecorder();
        }

        void awaitLatencyCount(long n, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (latencyCount.get() < n && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        }

        LatencyRecorder latency() {
            return latency;
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(10_000);
        }
    }

    /** Where the stream thread's time went during the timed window. */
    record Breakdown(long nanos, double encodeSeconds, long batches, double items, Map<String, Double> ratios) {
        static Breakdown of(EncoderService encoder) {
            var registry = encoder.registry();
            var timer = registry.find("vilstream.encoder.encode").timer();
            var size = registry.find("vilstream.encoder.batch.size").summary();
            Map<String, Double> ratios = new java.util.TreeMap<>();
            registry.getMeters().forEach(m -> {
                String n = m.getId().getName();
                if (n.startsWith("kafka.stream.thread") && n.endsWith("ratio")) {
                    m.measure().forEach(ms -> ratios.merge(n.substring("kafka.stream.thread.".length()), ms.getValue(), Double::sum));
                }
            });
            return new Breakdown(System.nanoTime(), timer == null ? 0 : timer.totalTime(TimeUnit.SECONDS),
                    timer == null ? 0 : timer.count(), size == null ? 0 : size.totalAmount(), ratios);
        }

        String minus(Breakdown b) {
            double wall = (nanos - b.nanos) / 1e9;
            long n = batches - b.batches;
            return String.format("timed window %.1f s: %d batches, mean %.1f items, towers %.1f ms/batch = %.0f%% of the window; "
                    + "stream thread ratios now %s", wall, n, n == 0 ? 0 : (items - b.items) / n,
                    n == 0 ? 0 : (encodeSeconds - b.encodeSeconds) * 1000 / n, (encodeSeconds - b.encodeSeconds) / wall * 100, ratios);
        }
    }

    static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
