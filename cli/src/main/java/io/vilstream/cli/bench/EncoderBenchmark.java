package io.vilstream.cli.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.vilstream.datasets.EmojiDataset;
import io.vilstream.datasets.events.ContentEvents;
import io.vilstream.datasets.item.EmojiItem;
import io.vilstream.encoder.EncoderService;
import io.vilstream.encoder.config.EncoderConfig;
import io.vilstream.model.config.ModelConfig;
import io.vilstream.model.image.ImageDecoder;
import io.vilstream.model.towers.DualEncoder;
import io.vilstream.schemas.avro.ContentEvent;
import io.vilstream.schemas.avro.Embedding;
import io.vilstream.schemas.serde.AvroSerde;
import io.vilstream.schemas.topics.VilstreamTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code vilstream bench encoder}: in one run on an embedded broker, (1) the raw tower forward
 * throughput at the batch size (image tower + tagger + text tower on pre-decoded inputs), (2) the
 * full topology's throughput with exactly_once_v2 (Avro, validation, image decoding, batching,
 * Kafka, transactions) on a backlog, their ratio, and (3) event-to-embedding latency p50/p99
 * when content arrives at about 50 % and 90 % of that measured maximum rate.
 */
public final class EncoderBenchmark {

    private final List<EmojiItem> items;
    private final int batchSize;
    private final int backlog;
    private final int warmup;
    private final Map<String, String> overrides = new HashMap<>();
    private final Duration latencyRun;
    private final PrintStream out;

    public EncoderBenchmark(List<EmojiItem> items, int batchSize, int backlog, int warmup, Duration latencyRun, PrintStream out) {
        this.warmup = warmup;
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
        double raw = rawThroughput();
        out.printf("raw towers: %.1f items/s at batch %d%n", raw, batchSize);
        try (BenchCluster cluster = new BenchCluster(4)) {
            Map<String, Object> props = new HashMap<>(Map.of(
                    "bootstrap.servers", cluster.settings().bootstrapServers(),
                    "schema.registry.url", cluster.settings().registryUrl(),
                    "metrics.port", "0",
                    EncoderConfig.BATCH_SIZE, String.valueOf(batchSize),
                    EncoderConfig.STATE_DIR, workDir.resolve("state").toString(),
                    EncoderConfig.BACKFILL_ENABLED, "false"));
            props.putAll(overrides);
            AtomicLong seq = new AtomicLong();
            produce(cluster, warmup + backlog, 0, seq);
            out.printf("produced a backlog of %d + %d (warm-up) content events; starting the encoder (exactly_once_v2)...%n",
                    backlog, warmup);
            Outputs outputs = new Outputs(cluster, warmup);
            double pipeline;
            Map<String, Object> latency = new LinkedHashMap<>();
            try (EncoderService encoder = EncoderService.start(new EncoderConfig(props))) {
                pipeline = outputs.throughput(warmup + backlog, Duration.ofMinutes(10));
                out.printf("pipeline: %.1f items/s (ratio %.2f)%n", pipeline, pipeline / raw);
                for (int pct : new int[] {50, 90}) {
                    double rate = pipeline * pct / 100.0;
                    outputs.startLatency();
                    long sent = produce(cluster, (int) (rate * latencyRun.toSeconds()), rate, seq);
                    outputs.awaitCount(sent, Duration.ofMinutes(5));
                    LatencyRecorder l = outputs.latency();
                    out.printf("latency at %d%% (%.1f items/s, %d events): p50 %.0f ms, p99 %.0f ms%n", pct, rate, sent,
                            l.percentile(50), l.percentile(99));
                    latency.put("p50_at_" + pct, round(l.percentile(50)));
                    latency.put("p99_at_" + pct, round(l.percentile(99)));
                }
            } finally {
                outputs.close();
            }
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("raw_items_per_s", round(raw));
            json.put("pipeline_items_per_s", round(pipeline));
            json.put("ratio", Math.round(pipeline / raw * 1000) / 1000.0);
            json.put("latency_ms", latency);
            json.put("batch_size", batchSize);
            json.put("backlog", backlog);
            json.put("warmup", warmup);
            json.put("settings", new java.util.TreeMap<>(overrides));
            return json;
        }
    }

    /** Items per second through the towers alone: images (embedding + tags) and captions. */
    double rawThroughput() {
        ModelConfig config = ModelConfig.defaults();
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
        try (DualEncoder model = DualEncoder.initial(config, 42)) {
            for (int i = 0; i < 5; i++) { // warm-up: first calls allocate and tune kernels
                model.encodeImagesWithTags(images, 5, 0.3f);
                model.encodeTexts(texts);
            }
            int batches = 0;
            long t0 = System.nanoTime();
            while (System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10) || batches < 10) {
                model.encodeImagesWithTags(images, 5, 0.3f);
                model.encodeTexts(texts);
                batches++;
            }
            return batches * (double) batchSize / ((System.nanoTime() - t0) / 1e9);
        }
    }

    private long produce(BenchCluster cluster, int n, double rate, AtomicLong seq) throws InterruptedException {
        Map<String, Object> p = cluster.settings().common();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        String topic = cluster.topics().name(VilstreamTopic.CONTENT);
        try (KafkaProducer<String, ContentEvent> producer = new KafkaProducer<>(p, new StringSerializer(),
                AvroSerde.forValues(ContentEvent.class, cluster.settings().serdeConfig()).serializer())) {
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                if (rate > 0) {
                    long wait = start + (long) (i * 1e9 / rate) - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                }
                long id = seq.getAndIncrement();
                ContentEvent e = ContentEvents.from(items.get((int) (id % items.size())), Instant.now());
                e.setId("bench-" + id);
                producer.send(new ProducerRecord<>(topic, e.getId(), e));
            }
            producer.flush();
        }
        return n;
    }

    /** A read_committed reader of the embedding topics, timing outputs. */
    private static final class Outputs implements AutoCloseable {
        private final Thread thread;
        private final Set<String> images = ConcurrentHashMap.newKeySet();
        private final Set<String> texts = ConcurrentHashMap.newKeySet();
        private final AtomicLong first = new AtomicLong();
        private final int warmup;
    private final Map<String, String> overrides = new HashMap<>();
        private volatile long warmCount;
        private final AtomicLong last = new AtomicLong();
        private volatile LatencyRecorder latency;
        private final AtomicLong latencyCount = new AtomicLong();
        private volatile boolean running = true;

        /**
         * @param warmup items whose outputs are not timed: the JIT compiles the stream's code
         *               paths (serdes, image decoding, the Vector API kernel) during them
         */
        Outputs(BenchCluster cluster, int warmup) {
            this.warmup = warmup;
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
                        for (ConsumerRecord<String, Embedding> r : c.poll(Duration.ofMillis(50))) {
                            long now = System.currentTimeMillis();
                            boolean image = r.topic().equals(imageTopic);
                            (image ? images : texts).add(r.key());
                            int done = Math.min(images.size(), texts.size());
                            if (done >= Math.max(1, warmup) && first.get() == 0) {
                                warmCount = done;
                                first.set(System.nanoTime());
                            }
                            last.set(System.nanoTime());
                            LatencyRecorder l = latency;
                            if (image && l != null) {
                                l.record(now - r.value().getEventTime().toEpochMilli());
                                latencyCount.incrementAndGet();
                            }
                        }
                    }
                }
            }, "bench-reader");
            thread.setDaemon(true);
            thread.start();
        }

        double throughput(int n, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (Math.min(images.size(), texts.size()) < n) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + Math.min(images.size(), texts.size()) + " of " + n
                            + " items embedded in " + timeout);
                }
                Thread.sleep(50);
            }
            return (n - warmCount) / ((last.get() - first.get()) / 1e9);
        }

        void startLatency() {
            latencyCount.set(0);
            latency = new LatencyRecorder();
        }

        void awaitCount(long n, Duration timeout) throws InterruptedException {
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

    static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    public static List<EmojiItem> benchItems(String dataset) {
        EmojiDataset ds = EmojiDataset.load(EmojiDataset.Source.parse(dataset), null);
        return ds.items();
    }
}
