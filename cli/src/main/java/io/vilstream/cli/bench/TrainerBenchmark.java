package io.vilstream.cli.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vilstream.cli.local.LocalCluster;
import io.vilstream.datasets.EmojiDataset;
import io.vilstream.datasets.item.EmojiItem;
import io.vilstream.datasets.produce.ContentProducer;
import io.vilstream.datasets.split.Split;
import io.vilstream.model.config.ModelConfig;
import io.vilstream.model.eval.Recall;
import io.vilstream.model.eval.RetrievalEvaluator;
import io.vilstream.model.eval.RetrievalMetrics;
import io.vilstream.model.image.ImageDecoder;
import io.vilstream.model.tagger.TagVocabulary;
import io.vilstream.model.towers.DualEncoder;
import io.vilstream.model.training.Budget;
import io.vilstream.model.training.ContrastiveTrainer;
import io.vilstream.model.training.OfflineTraining;
import io.vilstream.model.views.TrainingItem;
import io.vilstream.modelstore.ModelStore;
import io.vilstream.runtime.kafka.KafkaSettings;
import io.vilstream.schemas.avro.ContentEvent;
import io.vilstream.schemas.avro.ModelStatus;
import io.vilstream.schemas.avro.ModelVersion;
import io.vilstream.schemas.serde.AvroSerde;
import io.vilstream.schemas.topics.TopicSet;
import io.vilstream.schemas.topics.VilstreamTopic;
import io.vilstream.trainer.OnlineTrainer;
import io.vilstream.trainer.TrainerStatus;
import io.vilstream.trainer.config.TrainerConfig;

/**
 * {@code vilstream bench trainer}: in one run, the offline loop's items/s (half before, half
 * after the stream phase) against the online trainer's items/s from the stream at the same
 * batch size, model and training settings (the
 * ratio is the streaming overhead: consuming, decoding, replay planning, gates, publications,
 * and here also the in-process broker sharing the cores), and the staleness of the published
 * versions (event time of the newest item trained on → publication), p50 and p99.
 *
 * <p>The stream: the validation items and a backlog share of the train items are on the content
 * topic before the trainer starts (a deployment on existing content); the rest of the train
 * items arrive during the run at a fixed rate, each with its production time as event time,
 * and then the train items again (content updates), so items keep arriving for the whole run
 * and staleness is measured on a flowing stream.
 * Also printed: the validation recall of version 0 and of every published version.
 */
public final class TrainerBenchmark {

    private static final String MODEL = "bench-trainer";

    /**
     * @param dataset      fixture or the full emoji set
     * @param cacheDir     where the emoji set is cached (null: the default)
     * @param preset       model architecture (a model.preset)
     * @param batchSize    anchors per step in both loops
     * @param offlineTime  how long the offline loop trains in all (half before, half after the stream phase)
     * @param streamTime   how long the online trainer is measured (from its first step)
     * @param gateSteps    steps between candidate versions
     * @param rate         train items per second produced during the run (0 = all in the backlog)
     * @param backlog      share of the train items on the topic before the trainer starts
     */
    public record Settings(EmojiDataset.Source dataset, Path cacheDir, String preset, int batchSize, Duration offlineTime,
                           Duration streamTime, int gateSteps, double rate, double backlog) {
    }

    private final Settings settings;
    private final PrintStream out;

    public TrainerBenchmark(Settings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    /** Runs both phases; returns the JSON-shaped result. */
    public Map<String, Object> run() throws Exception {
        EmojiDataset ds = settings.dataset() == EmojiDataset.Source.FIXTURE ? EmojiDataset.fixture()
                : settings.cacheDir() == null ? EmojiDataset.full() : EmojiDataset.full(settings.cacheDir());
        List<EmojiItem> train = ds.items(Split.TRAIN);
        List<EmojiItem> val = ds.items(Split.VAL);
        Map<String, Object> trainerProps = trainerProps();
        TrainerConfig probe = new TrainerConfig(withCluster(trainerProps, "127.0.0.1:1", "http://127.0.0.1:1"));
        ModelConfig modelConfig = probe.modelConfig();
        ImageDecoder decoder = new ImageDecoder(modelConfig.imageSize());
        List<TrainingItem> trainItems = EmojiTrainingData.decodeAll(train, decoder);
        List<TrainingItem> valItems = EmojiTrainingData.decodeAll(val, decoder);
        out.printf("dataset %s: %d train, %d val items; model %s; batch %d; offline %d s, stream %d s; gate every %d steps%n",
                ds.source().id(), train.size(), val.size(), settings.preset(), settings.batchSize(),
                settings.offlineTime().toSeconds(), settings.streamTime().toSeconds(), settings.gateSteps());

        RetrievalMetrics v0 = versionZero(modelConfig, probe.modelSeed(), valItems);
        // offline, stream, offline again: the mean of the two offline halves brackets the stream
        // phase, so a change of load on a shared machine during the run biases the ratio less
        Duration half = settings.offlineTime().dividedBy(2);
        offline(probe, modelConfig, trainItems, Budget.steps(10)); // warm-up, not measured: JIT, native library
        double before = offline(probe, modelConfig, trainItems, Budget.time(half));
        out.printf("offline loop:   %.1f items/s (load average %.2f)%n", before, loadAverage());
        StreamRun stream = stream(trainerProps, train, val);
        out.printf("online trainer: %.1f items/s (load average %.2f)%n", stream.itemsPerSecond(), loadAverage());
        double after = offline(probe, modelConfig, trainItems, Budget.time(half));
        out.printf("offline loop:   %.1f items/s (load average %.2f)%n", after, loadAverage());
        double offline = (before + after) / 2;
        double ratio = stream.itemsPerSecond() / offline;
        List<Double> staleness = stream.versions().stream().filter(v -> v.getNewestEventTime() != null)
                .map(v -> (double) Duration.between(v.getNewestEventTime(), v.getCreatedAt()).toMillis()).sorted().toList();
        double p50 = percentile(staleness, 0.50);
        double p99 = percentile(staleness, 0.99);
        printSummary(offline, stream, ratio, p50, p99, staleness.size());
        printVersions(v0, stream.versions());

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("offline_items_per_s", round(offline));
        result.put("stream_items_per_s", round(stream.itemsPerSecond()));
        result.put("ratio", round(ratio));
        Map<String, Object> stale = new LinkedHashMap<>();
        stale.put("p50", round(p50));
        stale.put("p99", round(p99));
        result.put("staleness_ms", stale);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("dataset", ds.source().id());
        s.put("train_items", train.size());
        s.put("val_items", val.size());
        s.put("preset", settings.preset());
        s.put("batch_size", settings.batchSize());
        s.put("offline_seconds", settings.offlineTime().toSeconds());
        s.put("stream_seconds", settings.streamTime().toSeconds());
        s.put("gate_steps", settings.gateSteps());
        s.put("rate_items_per_s", settings.rate());
        s.put("backlog", settings.backlog());
        s.put("stream_steps", stream.steps());
        s.put("offline_items_per_s_before", round(before));
        s.put("offline_items_per_s_after", round(after));
        s.put("published_versions", stream.versions().size());
        result.put("settings", s);
        List<Map<String, Object>> versions = new ArrayList<>();
        versions.add(versionJson(0, "SEED", 0, v0, null));
        for (ModelVersion v : stream.versions()) {
            Map<String, Double> m = v.getMetrics();
            versions.add(versionJson(v.getVersion(), v.getStatus().name(), v.getTrainingStep(),
                    new RetrievalMetrics(new Recall(m.get("val.i2t.r1"), m.get("val.i2t.r5"), m.get("val.i2t.r10")),
                            new Recall(m.get("val.t2i.r1"), m.get("val.t2i.r5"), m.get("val.t2i.r10")),
                            m.get("val.items").intValue()),
                    v.getNewestEventTime() == null ? null : Duration.between(v.getNewestEventTime(), v.getCreatedAt()).toMillis()));
        }
        result.put("versions", versions);
        return result;
    }

    private Map<String, Object> trainerProps() {
        Map<String, Object> p = new HashMap<>();
        p.put("model.name", MODEL);
        p.put("model.preset", settings.preset());
        p.put("metrics.port", "0");
        p.put(TrainerConfig.BATCH_SIZE, String.valueOf(settings.batchSize()));
        p.put(TrainerConfig.REPLAY_SIZE, String.valueOf(Math.max(2000, settings.batchSize())));
        p.put(TrainerConfig.GATE_INTERVAL_STEPS, String.valueOf(settings.gateSteps()));
        p.put(TrainerConfig.POLL_MS, "200");
        p.put(TrainerConfig.RETENTION_VERSIONS, "100000"); // every version stays for the table
        return p;
    }

    private static Map<String, Object> withCluster(Map<String, Object> props, String bootstrap, String registry) {
        Map<String, Object> p = new HashMap<>(props);
        p.put("bootstrap.servers", bootstrap);
        p.put("schema.registry.url", registry);
        return p;
    }

    /** Version 0's recall: its embeddings do not depend on the tag vocabulary. */
    private RetrievalMetrics versionZero(ModelConfig config, long seed, List<TrainingItem> val) {
        try (DualEncoder v0 = DualEncoder.initial(config, seed)) {
            return RetrievalEvaluator.evaluate(v0, val);
        }
    }

    private static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private double offline(TrainerConfig probe, ModelConfig config, List<TrainingItem> train, Budget budget) {
        TagVocabulary vocabulary = TagVocabulary.build(train.stream().map(TrainingItem::tags).toList(),
                probe.vocabularyMinCount(), probe.vocabularyMaxSize());
        try (DualEncoder model = DualEncoder.create(config, vocabulary, probe.modelSeed())) {
            ContrastiveTrainer trainer = new ContrastiveTrainer(model, probe.trainingConfig());
            OfflineTraining.Outcome o = OfflineTraining.run(trainer, train, budget, null, 0, 0, p -> { });
            out.printf("offline loop:   %d steps in %.0f s%s%n", o.steps(), o.seconds(),
                    budget.maxTime() == null ? " (warm-up, not measured)" : "");
            return o.itemsPerSecond();
        }
    }

    /** What the online phase measured. */
    private record StreamRun(double itemsPerSecond, long steps, List<ModelVersion> versions) {
    }

    private StreamRun stream(Map<String, Object> props, List<EmojiItem> train, List<EmojiItem> val) throws Exception {
        try (LocalCluster cluster = LocalCluster.inProcess(2)) {
            KafkaSettings kafka = cluster.settings();
            TopicSet topics = cluster.topics();
            int backlog = (int) Math.round(train.size() * settings.backlog());
            List<EmojiItem> first = new ArrayList<>(val);
            first.addAll(train.subList(0, backlog));
            List<EmojiItem> rest = train.subList(backlog, train.size());
            String content = topics.name(VilstreamTopic.CONTENT);
            try (ContentProducer producer = ContentProducer.open(kafka.common(),
                    AvroSerde.forValues(ContentEvent.class, kafka.serdeConfig()).serializer(), content)) {
                first.forEach(producer::send);
                producer.flush();
                TrainerConfig config = new TrainerConfig(withCluster(props, cluster.bootstrapServers(), cluster.registryUrl()));
                OnlineTrainer trainer = new OnlineTrainer(config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), b -> { })
                        .start();
                try {
                    long started = System.nanoTime();
                    long deadlineToStart = started + TimeUnit.MINUTES.toNanos(5);
                    TrainerStatus s0 = null;
                    long t0 = 0;
                    int sent = 0;
                    long lastReport = started;
                    // the clock of the measurement starts at the first step; the stream at the trainer's start
                    while (s0 == null || System.nanoTime() < t0 + settings.streamTime().toNanos()) {
                        failIfStopped(trainer);
                        double sinceStart = (System.nanoTime() - started) / 1e9;
                        // items arrive at the configured rate, stamped with their production time
                        while ((settings.rate() <= 0 && sent < rest.size()) || (settings.rate() > 0 && sent < sinceStart * settings.rate())) {
                            // after the rest of the train split the stream starts over: updates of known content
                            EmojiItem item = sent < rest.size() ? rest.get(sent) : train.get((sent - rest.size()) % train.size());
                            sent++;
                            producer.send(item);
                        }
                        if (s0 == null && trainer.status().stepsThisRun() > 0) {
                            s0 = trainer.status();
                            t0 = System.nanoTime();
                        } else if (s0 == null && System.nanoTime() > deadlineToStart) {
                            throw new IllegalStateException("the trainer did not start training within 5 minutes: " + trainer.status());
                        }
                        if (System.nanoTime() - lastReport > TimeUnit.SECONDS.toNanos(30)) {
                            lastReport = System.nanoTime();
                            TrainerStatus s = trainer.status();
                            out.printf("  [%4.0f s] step %d, %d versions (%d promoted), replay %d, waiting %d, produced %d%n",
                                    sinceStart, s.step(), s.promotions() + s.rejections(), s.promotions(), s.replaySize(),
                                    s.freshSize(), sent);
                        }
                        Thread.sleep(20);
                    }
                    TrainerStatus s1 = trainer.status();
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    double itemsPerSecond = (s1.itemsTrained() - s0.itemsTrained()) / seconds;
                    trainer.close(); // before reading the versions: a publication in flight completes
                    List<ModelVersion> versions = new ModelStore(kafka, config.modelStoreTopics())
                            .readState(MODEL, Duration.ofMinutes(1)).all();
                    return new StreamRun(itemsPerSecond, s1.stepsThisRun() - s0.stepsThisRun(), versions);
                } finally {
                    trainer.close();
                }
            }
        }
    }

    private static void failIfStopped(OnlineTrainer trainer) {
        trainer.failure().ifPresent(f -> {
            throw new IllegalStateException("the trainer failed: " + f);
        });
    }

    private void printSummary(double offline, StreamRun stream, double ratio, double p50, double p99, int n) {
        out.println();
        out.printf("%-34s | %12s%n", "", "value");
        out.println("-".repeat(50));
        out.printf("%-34s | %12.1f%n", "offline loop items/s", offline);
        out.printf("%-34s | %12.1f%n", "online trainer items/s (stream)", stream.itemsPerSecond());
        out.printf("%-34s | %12.3f%n", "ratio stream / offline", ratio);
        out.printf("%-34s | %12.0f%n", "staleness p50 ms (" + n + " versions)", p50);
        out.printf("%-34s | %12.0f%n", "staleness p99 ms", p99);
    }

    private void printVersions(RetrievalMetrics v0, List<ModelVersion> versions) {
        out.println();
        out.printf("%7s  %-9s %6s  %-19s  %-19s  %s%n", "version", "status", "step", "i2t R@1/5/10", "t2i R@1/5/10",
                "staleness");
        out.printf("%7d  %-9s %6d  %-19s  %-19s  %s%n", 0, "SEED", 0, recall(v0.i2t()), recall(v0.t2i()), "-");
        for (ModelVersion v : versions) {
            Map<String, Double> m = v.getMetrics();
            out.printf("%7d  %-9s %6d  %-19s  %-19s  %s%n", v.getVersion(), v.getStatus() == ModelStatus.PROMOTED ? "PROMOTED"
                            : v.getStatus().name(), v.getTrainingStep(),
                    triple(m, "val.i2t"), triple(m, "val.t2i"),
                    v.getNewestEventTime() == null ? "-"
                            : Duration.between(v.getNewestEventTime(), v.getCreatedAt()).toMillis() + " ms");
        }
    }

    private static String recall(Recall r) {
        return String.format(Locale.ROOT, "%.3f/%.3f/%.3f", r.r1(), r.r5(), r.r10());
    }

    private static String triple(Map<String, Double> m, String prefix) {
        return String.format(Locale.ROOT, "%.3f/%.3f/%.3f", m.get(prefix + ".r1"), m.get(prefix + ".r5"), m.get(prefix + ".r10"));
    }

    private static Map<String, Object> versionJson(long version, String status, long step, RetrievalMetrics r, Long stalenessMs) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("version", version);
        v.put("status", status);
        v.put("step", step);
        v.put("val_i2t", Map.of("r1", round(r.i2t().r1()), "r5", round(r.i2t().r5()), "r10", round(r.i2t().r10())));
        v.put("val_t2i", Map.of("r1", round(r.t2i().r1()), "r5", round(r.t2i().r5()), "r10", round(r.t2i().r10())));
        v.put("staleness_ms", stalenessMs);
        return v;
    }

    /** Nearest-rank percentile; NaN for no samples. */
    static double percentile(List<Double> sorted, double q) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
