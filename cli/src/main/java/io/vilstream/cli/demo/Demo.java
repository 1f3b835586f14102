package io.vilstream.cli.demo;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.vilstream.cli.bench.EmojiTrainingData;
import io.vilstream.cli.local.LocalCluster;
import io.vilstream.datasets.EmojiDataset;
import io.vilstream.datasets.events.ContentEvents;
import io.vilstream.datasets.item.EmojiItem;
import io.vilstream.datasets.produce.ContentProducer;
import io.vilstream.datasets.split.Split;
import io.vilstream.encoder.EncoderService;
import io.vilstream.encoder.config.EncoderConfig;
import io.vilstream.model.config.ModelConfig;
import io.vilstream.model.eval.RetrievalEvaluator;
import io.vilstream.model.eval.RetrievalMetrics;
import io.vilstream.model.image.ImageDecoder;
import io.vilstream.model.towers.DualEncoder;
import io.vilstream.model.views.TrainingItem;
import io.vilstream.modelstore.ModelFollower;
import io.vilstream.modelstore.ModelStore;
import io.vilstream.modelstore.ModelStoreTopics;
import io.vilstream.retriever.RetrieverConfig;
import io.vilstream.retriever.RetrieverService;
import io.vilstream.runtime.kafka.KafkaSettings;
import io.vilstream.schemas.avro.ContentEvent;
import io.vilstream.schemas.avro.ImageRendition;
import io.vilstream.schemas.avro.ModelVersion;
import io.vilstream.schemas.serde.AvroSerde;
import io.vilstream.schemas.topics.TopicSet;
import io.vilstream.schemas.topics.VilstreamTopic;
import io.vilstream.trainer.OnlineTrainer;
import io.vilstream.trainer.TrainerStatus;
import io.vilstream.trainer.config.TrainerConfig;

/**
 * {@code vilstream demo}: the whole system on one machine. Starts the embedded broker and
 * registry, two encoder instances, the online trainer and the retriever; streams the emoji
 * train split as content events (val and test are produced too — the trainer's split rule keeps
 * them out of training); shows progress; at every promotion evaluates the new version on the
 * test split against version 0; stops cleanly after {@code --duration} or Ctrl-C and writes a
 * JSON summary.
 */
public final class Demo {

    /** The demo's knobs. */
    public record Options(Path dataDir, int kafkaPort, int registryPort, int retrieverPort, int opsPortBase, String dataset,
                          double trainRate, int encoders, int badEvents, Duration duration, Path json,
                          Map<String, String> overrides) {
    }

    private final Options options;
    private final PrintStream out;
    private final boolean tty;
    private final Map<Long, RetrievalMetrics> results = new ConcurrentSkipListMap<>();
    /** Set when the producer thread has opened it: the progress line and the summary count its acknowledgements. */
    private volatile ContentProducer content;
    private final AtomicBoolean stopping = new AtomicBoolean();
    /** Whether the demo runs on the 33-emoji fixture (a handful of validation items). */
    private boolean fixture;
    /** Embedding records and time at the previous status line, for the items/s figure. */
    private long lastOutputs;
    private long lastStatusNanos;

    public Demo(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
        this.tty = System.console() != null;
    }

    public int run(CountDownLatch interrupted) throws Exception {
        long t0 = System.nanoTime();
        out.println("vilstream demo — data in " + options.dataDir().toAbsolutePath());
        Files.createDirectories(options.dataDir());
        Path logFile = options.dataDir().resolve("demo.log");
        DemoLogging.toFile(logFile);
        out.println("service logs: " + logFile.toAbsolutePath() + " (errors are shown here too)");
        EmojiDataset dataset = loadDataset();
        fixture = dataset.source() == EmojiDataset.Source.FIXTURE;
        out.printf("dataset: %s, %d items (train %d, val %d, test %d)%n", dataset.source().id(), dataset.size(),
                dataset.items(Split.TRAIN).size(), dataset.items(Split.VAL).size(), dataset.items(Split.TEST).size());
        List<TrainingItem> testItems = EmojiTrainingData.decodeAll(dataset.items(Split.TEST), new ImageDecoder(versionZeroConfig().imageSize()));

        out.println("starting Kafka (KRaft) and the schema registry...");
        LocalCluster cluster = LocalCluster.start(options.dataDir(), options.kafkaPort(), options.registryPort(), 4, "512m");
        KafkaSettings settings = KafkaSettings.of(cluster.bootstrapServers(), cluster.registryUrl());
        TopicSet topics = TopicSet.defaults();
        List<AutoCloseable> services = new ArrayList<>();
        ExecutorService evaluator = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "demo-evaluator");
            t.setDaemon(true);
            return t;
        });
        Thread producer = null;
        PipelineWatcher watcher = null;
        OnlineTrainer trainer = null;
        RetrieverService retriever = null;
        int exit = 0;
        try {
            watcher = new PipelineWatcher(settings, topics);
            evaluateVersionZero(testItems);
            for (int i = 1; i <= options.encoders(); i++) {
                EncoderService encoder = EncoderService.start(new EncoderConfig(encoderProps(cluster, i)));
                services.add(encoder);
                out.printf("encoder %d: metrics %s/metrics%n", i, encoder.opsUrl());
            }
            trainer = new OnlineTrainer(new TrainerConfig(trainerProps(cluster))).start();
            services.add(trainer);
            out.printf("trainer: metrics http://127.0.0.1:%d/metrics%n", trainer.opsPort());
            retriever = RetrieverService.start(new RetrieverConfig(retrieverProps(cluster)));
            services.add(retriever);
            out.printf("retriever: %s  <- open this page to search%n", retriever.url());

            ModelStore store = new ModelStore(settings, new ModelStoreTopics(topics.name(VilstreamTopic.MODEL_VERSIONS),
                    topics.name(VilstreamTopic.MODEL_CHECKPOINTS)));
            ModelFollower follower = new ModelFollower(store, "vilstream-dual",
                    v -> evaluator.execute(() -> evaluateVersion(store, v, testItems))).start();
            services.add(follower);

            List<EmojiItem> evalItems = new ArrayList<>(dataset.items(Split.VAL));
            evalItems.addAll(dataset.items(Split.TEST));
            List<EmojiItem> trainItems = dataset.items(Split.TRAIN);
            long total = evalItems.size() + trainItems.size() + options.badEvents();
            producer = new Thread(() -> produce(settings, topics, evalItems, trainItems), "demo-producer");
            producer.start();

            long deadline = options.duration().isZero() ? Long.MAX_VALUE : t0 + options.duration().toNanos();
            long lastLine = 0;
            while (System.nanoTime() < deadline && interrupted.getCount() > 0) {
                if (trainer.failure().isPresent()) {
                    out.println();
                    out.println("the trainer stopped: " + trainer.failure().get());
                    exit = 1;
                    break;
                }
                long now = System.nanoTime();
                if (tty || now - lastLine > TimeUnit.SECONDS.toNanos(15)) {
                    printStatus(t0, total, watcher, trainer.status(), retriever);
                    lastLine = now;
                }
                interrupted.await(1, TimeUnit.SECONDS);
            }
            out.println();
            out.println(interrupted.getCount() == 0 ? "interrupted: stopping..." : "time is up: stopping...");
            stopping.set(true);
            producer.join(30_000);
            // let what was produced come out of the pipeline before counting
            long drain = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (watcher.embedded() + watcher.dlq() < produced() && System.nanoTime() < drain) {
                Thread.sleep(500);
            }
        } finally {
            stopping.set(true);
            evaluator.shutdownNow();
            for (int i = services.size() - 1; i >= 0; i--) {
                try {
                    services.get(i).close();
                } catch (Exception e) {
                    out.println("closing " + services.get(i).getClass().getSimpleName() + " failed: " + e.getMessage());
                }
            }
            double demoPeak = ProcessMemory.peakMb(ProcessHandle.current().pid());
            double brokerPeak = ProcessMemory.peakMb(cluster.brokerPid());
            if (watcher != null) {
                watcher.close(); // before the broker goes, so it does not poll a closed broker
            }
            cluster.close();
            if (watcher != null) {
                summarize(t0, watcher, demoPeak, brokerPeak, dataset.source().id());
            }
        }
        return exit;
    }

    private EmojiDataset loadDataset() {
        return switch (options.dataset()) {
            case "fixture" -> EmojiDataset.fixture();
            case "emoji" -> EmojiDataset.full();
            default -> EmojiDataset.fullOrFixture(EmojiDataset.defaultCacheDir(), notice -> out.println("NOTICE: " + notice));
        };
    }

    private Map<String, Object> common(LocalCluster cluster) {
        Map<String, Object> p = new HashMap<>();
        p.put("bootstrap.servers", cluster.bootstrapServers());
        p.put("schema.registry.url", cluster.registryUrl());
        return p;
    }

    private Map<String, Object> encoderProps(LocalCluster cluster, int i) {
        Map<String, Object> p = common(cluster);
        p.put(EncoderConfig.STATE_DIR, options.dataDir().resolve("encoder-" + i).toString());
        p.put("metrics.port", String.valueOf(opsPort(i == 1 ? 1 : 10 * i + 1)));
        p.putAll(prefixed("encoder."));
        return p;
    }

    private Map<String, Object> trainerProps(LocalCluster cluster) {
        Map<String, Object> p = common(cluster);
        p.put("metrics.port", String.valueOf(opsPort(2)));
        // a candidate every 100 steps (or minute) instead of the service's 500: a demo of ten
        // minutes should show several promotions; --set trainer.gate.interval.steps=N overrides
        p.put(TrainerConfig.GATE_INTERVAL_STEPS, "100");
        p.put(TrainerConfig.GATE_INTERVAL_MS, "60000");
        if (fixture) {
            p.put(TrainerConfig.VALIDATION_MIN_ITEMS, "2"); // the fixture's validation split is a few emoji
        }
        p.putAll(prefixed("trainer."));
        return p;
    }

    private Map<String, Object> retrieverProps(LocalCluster cluster) {
        Map<String, Object> p = common(cluster);
        p.put("retriever.port", String.valueOf(options.retrieverPort()));
        p.putAll(prefixed("retriever."));
        return p;
    }

    private ModelConfig versionZeroConfig() {
        return ModelConfig.preset(options.overrides().getOrDefault("model.preset", "default"));
    }

    /** An ops port: base + offset, or 0 (any free port) when the base is 0. */
    private int opsPort(int offset) {
        return options.opsPortBase() == 0 ? 0 : options.opsPortBase() + offset;
    }

    /**
     * The --set keys for one service: its own ({@code encoder.}, {@code trainer.},
     * {@code retriever.}) and the shared ones (model.*, topics.*, kafka.*, registry.*), not the
     * other services'.
     */
    private Map<String, Object> prefixed(String prefix) {
        Map<String, Object> p = new HashMap<>();
        options.overrides().forEach((k, v) -> {
            boolean otherService = SERVICE_PREFIXES.stream().anyMatch(s -> !s.equals(prefix) && k.startsWith(s));
            if (!otherService) {
                p.put(k, v);
            }
        });
        return p;
    }

    private static final List<String> SERVICE_PREFIXES = List.of("encoder.", "trainer.", "retriever.");

    private void produce(KafkaSettings settings, TopicSet topics, List<EmojiItem> evalItems, List<EmojiItem> trainItems) {
        try (ContentProducer producer = ContentProducer.open(settings.common(),
                AvroSerde.forValues(ContentEvent.class, settings.serdeConfig()).serializer(), topics.name(VilstreamTopic.CONTENT))) {
            content = producer;
            // validation and test items first: the trainer's gate and the evaluation need them;
            // the split rule keeps them out of training
            evalItems.forEach(producer::send);
            // a few malformed events, to show bad input going to the DLQ without stopping anything
            for (int i = 0; i < options.badEvents() && !evalItems.isEmpty(); i++) {
                ContentEvent e = ContentEvents.from(evalItems.get(i % evalItems.size()), Instant.now());
                e.setId("malformed-" + i);
                e.setImages(List.of(new ImageRendition(ByteBuffer.wrap(("not a picture #" + i).getBytes()), "image/png", "demo")));
                producer.send(e);
            }
            producer.publish(trainItems.size(), options.trainRate(), stopping::get,
                    i -> ContentEvents.from(trainItems.get((int) i), Instant.now()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IllegalStateException e) {
            // what the broker took is counted; the rest shows as produced < total on the progress line
            out.println("producer: " + e.getMessage());
        }
    }

    /** Content events the broker acknowledged. */
    private long produced() {
        ContentProducer p = content;
        return p == null ? 0 : p.acknowledged();
    }

    private void evaluateVersionZero(List<TrainingItem> test) {
        // version 0 as every service rebuilds it (model.preset, model.seed)
        long seed = Long.parseLong(options.overrides().getOrDefault("model.seed", "42"));
        try (DualEncoder v0 = DualEncoder.initial(versionZeroConfig(), seed)) {
            RetrievalMetrics m = RetrievalEvaluator.evaluate(v0, test);
            results.put(0L, m);
            out.printf("version 0 (seeded, untrained) on the test split: R@10 image→text %.3f, text→image %.3f%n",
                    m.i2t().r10(), m.t2i().r10());
        }
    }

    private void evaluateVersion(ModelStore store, ModelVersion v, List<TrainingItem> test) {
        if (results.containsKey(v.getVersion()) || stopping.get()) {
            return;
        }
        try (DualEncoder model = DualEncoder.load(store.fetchCheckpoint(v, Duration.ofSeconds(60)))) {
            results.put(v.getVersion(), RetrievalEvaluator.evaluate(model, test));
            out.println();
            printTable("promoted version " + v.getVersion() + " (step " + v.getTrainingStep() + ")");
        } catch (Exception e) {
            out.println();
            out.println("could not evaluate version " + v.getVersion() + ": " + e.getMessage());
        }
    }

    private synchronized void printTable(String title) {
        out.println(title + " — test split (unseen emoji), Recall@1/5/10:");
        out.printf("  %-8s | %-23s | %-23s%n", "version", "image→text", "text→image");
        results.forEach((version, m) -> out.printf("  %-8d | %.3f / %.3f / %.3f   | %.3f / %.3f / %.3f%n", version,
                m.i2t().r1(), m.i2t().r5(), m.i2t().r10(), m.t2i().r1(), m.t2i().r5(), m.t2i().r10()));
    }

    private void printStatus(long t0, long total, PipelineWatcher w, TrainerStatus trainer, RetrieverService retriever) {
        long secs = (System.nanoTime() - t0) / 1_000_000_000L;
        long p = produced();
        int width = 20;
        int filled = (int) Math.min(width, total == 0 ? 0 : width * (w.embedded() + w.dlq()) / total);
        String bar = "#".repeat(filled) + ".".repeat(width - filled);
        long now = System.nanoTime();
        long outputs = w.outputs();
        // items/s: (image + text) embedding records per second since the last line, backfills included
        double rate = lastStatusNanos == 0 ? 0 : (outputs - lastOutputs) / 2.0 / ((now - lastStatusNanos) / 1e9);
        lastOutputs = outputs;
        lastStatusNanos = now;
        String line = String.format("[%4ds] [%s] produced %d/%d  embedded %d (v%d) %.0f items/s  DLQ %d  lag %d | trainer v%d step %d %s | retriever v%s",
                secs, bar, p, total, w.embedded(), w.newestVersion(), rate, w.dlq(), Math.max(0, p - w.embedded() - w.dlq()),
                trainer.servedVersion(), trainer.step(), trainer.phase().name().toLowerCase(),
                retriever.versions().served().map(s -> String.valueOf(s.version())).orElse("-"));
        if (tty) {
            out.print("\r" + line + "   ");
        } else {
            out.println(line);
        }
        out.flush();
    }

    private void summarize(long t0, PipelineWatcher w, double demoPeak, double brokerPeak, String dataset) throws Exception {
        double seconds = (System.nanoTime() - t0) / 1e9;
        out.println();
        printTable("summary");
        out.printf("records: produced %d = embedded %d + DLQ %d; duplicates %d%n", produced(), w.embedded(), w.dlq(),
                w.duplicates());
        out.printf("peak resident memory: %.0f MB (demo JVM %.0f MB, broker JVM %.0f MB); %.0f s%n",
                demoPeak + brokerPeak, demoPeak, brokerPeak, seconds);
        if (options.json() != null) {
            List<Map<String, Object>> versions = new ArrayList<>();
            results.forEach((v, m) -> versions.add(Map.of("version", v, "test", Map.of(
                    "i2t", recall(m.i2t()), "t2i", recall(m.t2i())))));
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("versions", versions);
            json.put("records", Map.of("produced", produced(), "embedded", w.embedded(), "dlq", w.dlq(),
                    "duplicates", w.duplicates()));
            json.put("seconds", Math.round(seconds * 10) / 10.0);
            json.put("peak_rss_mb", Math.round(demoPeak + brokerPeak));
            json.put("processes", Map.of("demo_jvm_mb", Math.round(demoPeak), "broker_jvm_mb", Math.round(brokerPeak)));
            json.put("dataset", dataset);
            if (options.json().toAbsolutePath().getParent() != null) {
                Files.createDirectories(options.json().toAbsolutePath().getParent());
            }
            new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter()
                    .writeValue(options.json().toFile(), json);
            out.println("wrote " + options.json());
        }
    }

    private static Map<String, Object> recall(io.vilstream.model.eval.Recall r) {
        return Map.of("r1", round(r.r1()), "r5", round(r.r5()), "r10", round(r.r10()));
    }

    private static double round(double v) {
        return Math.round(v * 10000) / 10000.0;
    }
}
