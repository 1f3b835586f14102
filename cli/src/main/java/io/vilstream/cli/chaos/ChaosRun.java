package io.vilstream.cli.chaos;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vilstream.datasets.EmojiDataset;
import io.vilstream.encoder.topology.EncoderTopology;
import io.vilstream.encoder.transactions.HangingTransactions;
import io.vilstream.datasets.item.EmojiItem;
import io.vilstream.modelstore.ModelAdmin;
import io.vilstream.modelstore.ModelKeys;
import io.vilstream.modelstore.ModelRegistryState;
import io.vilstream.modelstore.ModelStore;
import io.vilstream.modelstore.ModelStoreTopics;
import io.vilstream.retriever.RetrieverConfig;
import io.vilstream.retriever.RetrieverService;
import io.vilstream.schemas.avro.ModelStatus;
import io.vilstream.schemas.avro.ModelVersion;
import io.vilstream.schemas.topics.VilstreamTopic;
import io.vilstream.trainer.config.TrainerConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * {@code vilstream chaos}: the whole system on loopback (broker and registry, encoders and the
 * trainer in child JVMs, the retriever in this JVM), content produced at a steady rate with
 * updates, repeats, deletes and malformed events, faults injected on a schedule, then producing
 * stops, the trainer is stopped (so the promoted version is final), and the checks run over
 * the topics read independently until they hold or the settle time is spent. Returns the exit
 * code: 1 on any violation. Everything it started is stopped, whatever happens.
 */
public final class ChaosRun {

    static final String MODEL = "vilstream-dual";
    /**
     * Slow connections per burst: below the retriever's 16 header-reading threads
     * (retriever.http.connection.threads), the load its README promises to absorb; 24 held
     * /health for 10 s in a first run, each thread freed only at the header timeout.
     */
    static final int SLOW_CLIENTS = 12;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** A fault as it happened: when it was due and ran (seconds since producing started), what it did. */
    record FaultRecord(String kind, double plannedAt, double startedAt, double endedAt, String outcome, String detail) {
    }

    private final ChaosOptions options;
    private final PrintStream out;
    private final Path runDir;
    private final List<FaultRecord> faults = new CopyOnWriteArrayList<>();
    /** Run time (s) at which every check first held; -1 while they do not (or never did). */
    private volatile double convergedAt = -1;
    /** Run time (s) at which the producer stopped. */
    private volatile double producingEndedAt;
    private final List<OutputChecks.Rollback> rollbacks = new CopyOnWriteArrayList<>();
    /** Open transactions by partition, producer and first offset: when this run first saw each open. */
    private final Map<String, OutputChecks.OpenTransaction> openSince = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Set<String> reportedHanging = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /**
     * A transaction open longer than this is hanging: the 8-s transaction timeout of every
     * producer here (the trainer's 300-s publication timeout aside: its topics are left out) plus
     * a minute for the coordinator to abort it and for a paused or restarting broker.
     */
    static final double HANGING_AFTER_SECONDS = 68;
    private final List<String> unplannedExits = new CopyOnWriteArrayList<>();
    private final MetricsScraper scraper = new MetricsScraper();
    private final List<ChildService> encoders = new ArrayList<>();
    private final Map<String, String> encoderMetrics = new LinkedHashMap<>();
    private ChaosCluster cluster;
    private ChildService trainer;
    private RetrieverService retriever;
    private ChaosProducer producer;
    private SlowClients.Result slowClients;
    private volatile boolean stopping;
    /** Services a fault has taken down on purpose: the watchdog leaves them alone. */
    private final java.util.Set<String> faulted = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private long t0;

    public ChaosRun(ChaosOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
        this.runDir = options.dataDir().resolve("run-" + Instant.now().toString().replace(':', '-'));
    }

    public int run(CountDownLatch interrupted) throws Exception {
        Files.createDirectories(runDir);
        out.println("vilstream chaos — run directory " + runDir.toAbsolutePath() + " (service logs there)");
        EmojiDataset dataset = "emoji".equals(options.dataset()) ? EmojiDataset.full() : EmojiDataset.fixture();
        List<EmojiItem> items = dataset.items();
        FaultSchedule schedule = FaultSchedule.plan(options.duration().toSeconds(), options.faultsPerMinute(), options.seed(),
                Math.min(30, options.duration().toSeconds() / 6.0), Math.min(20, options.duration().toSeconds() / 8.0),
                options.faultKinds());
        out.printf("dataset %s (%d items), %.1f events/s for %d s, seed %d, %d faults planned%n", dataset.source().id(),
                items.size(), options.rate(), options.duration().toSeconds(), options.seed(), schedule.faults().size());
        Thread producerThread = null;
        Thread faultThread = null;
        Ledger ledger = null;
        int exit;
        Map<String, Object> summary = new LinkedHashMap<>();
        List<CheckResult> checks = List.of();
        try {
            out.println("starting the broker (child JVM) and the schema registry...");
            cluster = ChaosCluster.start(runDir, 4);
            out.printf("broker %s (pid %d), registry %s%n", cluster.bootstrapServers(), cluster.brokerPid(), cluster.registryUrl());
            startServices();
            ledger = new Ledger(cluster.settings(), cluster.topics());

            producer = new ChaosProducer(cluster.settings(), cluster.topics().name(VilstreamTopic.CONTENT),
                    new ContentScript(items, options.seed()), options.rate(), this::notice);
            t0 = System.nanoTime();
            producerThread = new Thread(producer, "chaos-producer");
            producerThread.start();
            faultThread = new Thread(() -> runFaults(schedule), "chaos-faults");
            faultThread.start();

            long end = t0 + options.duration().toNanos();
            long lastLine = 0;
            while (System.nanoTime() < end && interrupted.getCount() > 0) {
                scraper.scrapeAll();
                watchdog();
                if (System.nanoTime() - lastLine > TimeUnit.SECONDS.toNanos(10)) {
                    watchTransactions();
                    progress("running");
                    lastLine = System.nanoTime();
                }
                interrupted.await(2, TimeUnit.SECONDS);
            }
            boolean wasInterrupted = interrupted.getCount() == 0;
            out.println(wasInterrupted ? "interrupted: stopping the faults and the producer..." : "time is up: stopping the faults and the producer...");
            stopping = true;
            producer.stop();
            producerThread.join(60_000);
            producingEndedAt = round(at());
            faultThread.join(300_000);
            cluster.resume();
            if (wasInterrupted) {
                throw new InterruptedException("interrupted");
            }
            for (ChildService e : encoders) {
                if (!e.isAlive()) {
                    unplannedExits.add(at() + " s: " + e.name() + " was down at the end; started again");
                    e.start(Duration.ofMinutes(3));
                }
            }
            out.println("stopping the trainer (SIGTERM) so the promoted version is final...");
            trainer.stop(Duration.ofMinutes(2));
            checks = settle(ledger, interrupted);
            exit = checks.stream().anyMatch(c -> c.outcome() == CheckResult.Outcome.FAIL) ? 1 : 0;
        } catch (InterruptedException e) {
            out.println("chaos run interrupted; nothing checked");
            exit = 1;
        } catch (Exception e) {
            out.println("chaos run failed: " + e);
            summary.put("error", String.valueOf(e));
            exit = 1;
        } finally {
            stopping = true;
            if (producer != null) {
                producer.stop();
            }
            if (faultThread != null) {
                faultThread.interrupt();
                faultThread.join(30_000);
            }
            if (producerThread != null) {
                producerThread.join(30_000);
            }
            if (ledger != null) {
                ledger.close();
            }
            stopAll();
        }
        report(summary, checks, exit);
        return exit;
    }

    private void startServices() throws Exception {
        for (int i = 1; i <= options.encoders(); i++) {
            int port = ChaosCluster.freePort();
            List<String> args = new ArrayList<>(List.of("encoder", "--bootstrap", cluster.bootstrapServers(),
                    "--registry", cluster.registryUrl()));
            Map<String, String> p = encoderProps(i, port);
            p.forEach((k, v) -> args.addAll(List.of("--set", k + "=" + v)));
            ChildService encoder = new ChildService("encoder-" + i, args, "512m", runDir.resolve("encoder-" + i + ".log"),
                    "Encoder running");
            encoders.add(encoder);
            encoderMetrics.put(encoder.name(), "http://127.0.0.1:" + port + "/metrics");
            scraper.watch(encoder.name(), "http://127.0.0.1:" + port + "/metrics");
        }
        out.printf("starting %d encoders (child JVMs)...%n", encoders.size());
        for (ChildService e : encoders) {
            e.start(Duration.ofMinutes(4));
            out.printf("  %s pid %d, metrics %s%n", e.name(), e.pid(), encoderMetrics.get(e.name()));
        }
        int trainerPort = ChaosCluster.freePort();
        List<String> args = new ArrayList<>(List.of("trainer", "--bootstrap", cluster.bootstrapServers(),
                "--registry", cluster.registryUrl()));
        trainerProps(trainerPort).forEach((k, v) -> args.addAll(List.of("--set", k + "=" + v)));
        trainer = new ChildService("trainer", args, "768m", runDir.resolve("trainer.log"), "Ops endpoint:");
        out.println("starting the trainer (child JVM)...");
        trainer.start(Duration.ofMinutes(4));
        scraper.watch("trainer", "http://127.0.0.1:" + trainerPort + "/metrics");
        out.printf("  trainer pid %d, metrics http://127.0.0.1:%d/metrics%n", trainer.pid(), trainerPort);
        Map<String, Object> r = new HashMap<>(common());
        r.put(RetrieverConfig.PORT, "0");
        r.put("retriever.host", "127.0.0.1");
        // a slow client holds a header-reading thread until this timeout: short, so the burst's end is seen within it
        r.put("retriever.http.header.timeout.ms", "3000");
        r.putAll(prefixed("retriever."));
        retriever = RetrieverService.start(new RetrieverConfig(r));
        out.println("retriever " + retriever.url());
    }

    private Map<String, String> common() {
        Map<String, String> p = new HashMap<>();
        p.put("bootstrap.servers", cluster.bootstrapServers());
        p.put("schema.registry.url", cluster.registryUrl());
        p.put("model.name", MODEL);
        return p;
    }

    private Map<String, String> encoderProps(int i, int port) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("metrics.port", String.valueOf(port));
        p.put("encoder.state.dir", runDir.resolve("encoder-" + i).toAbsolutePath().toString());
        p.put("encoder.batch.size", "16");
        p.put("encoder.towers.workers", "1"); // three instances share this machine's cores
        p.put("encoder.backfill.grace.ms", "3000");
        p.put("model.name", MODEL);
        // short client timeouts, so a paused broker fails sends and transactions within seconds
        p.put("kafka.producer.request.timeout.ms", "3000");
        p.put("kafka.producer.delivery.timeout.ms", "6000");
        p.put("kafka.producer.transaction.timeout.ms", "8000");
        // a transaction still open 30 s after its 8-s timeout is judged (HangingTransactions), well before the check's 68 s
        p.put("encoder.hanging.transactions.after.ms", "30000");
        p.putAll(prefixed("encoder."));
        return p;
    }

    private Map<String, String> trainerProps(int port) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("metrics.port", String.valueOf(port));
        p.put("model.name", MODEL);
        // promote often and always: the run exercises publication, kills and rollbacks, not model quality
        p.put(TrainerConfig.GATE_INTERVAL_STEPS, "20");
        p.put(TrainerConfig.GATE_INTERVAL_MS, "15000");
        p.put(TrainerConfig.GATE_TOLERANCE, "1");
        p.put(TrainerConfig.VALIDATION_MIN_ITEMS, "2");
        p.put(TrainerConfig.BATCH_SIZE, "8");
        p.put(TrainerConfig.LEARNING_RATE_WARMUP_STEPS, "10");
        p.put(TrainerConfig.HARD_NEGATIVES_WARMUP_STEPS, "0");
        p.put(TrainerConfig.VOCABULARY_MIN_COUNT, "1");
        p.put(TrainerConfig.POLL_MS, "200");
        p.put("kafka.request.timeout.ms", "3000");
        p.put("kafka.delivery.timeout.ms", "6000");
        p.put("kafka.transaction.timeout.ms", "8000");
        p.putAll(prefixed("trainer."));
        return p;
    }

    /** The --set keys for one service: its own and the shared ones (model.*, topics.*, kafka.*), not the other services'. */
    private Map<String, String> prefixed(String prefix) {
        Map<String, String> p = new HashMap<>();
        options.overrides().forEach((k, v) -> {
            boolean other = List.of("encoder.", "trainer.", "retriever.").stream().anyMatch(s -> !s.equals(prefix) && k.startsWith(s));
            if (!other) {
                p.put(k, v);
            }
        });
        return p;
    }

    // ---- faults ----

    private void runFaults(FaultSchedule schedule) {
        Random random = new Random(options.seed() ^ 0x5DEECE66DL);
        for (FaultSchedule.Planned f : schedule.faults()) {
            try {
                while (!stopping && at() < f.atSeconds()) {
                    Thread.sleep(200);
                }
                if (stopping) {
                    return;
                }
                double started = at();
                notice("fault " + f.kind().id() + " starts");
                String[] result = inject(f.kind(), random);
                FaultRecord r = new FaultRecord(f.kind().id(), round(f.atSeconds()), round(started), round(at()), result[0], result[1]);
                faults.add(r);
                notice(String.format("fault %s %s after %.0f s: %s", r.kind(), r.outcome(), r.endedAt() - r.startedAt(), r.detail()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                faults.add(new FaultRecord(f.kind().id(), round(f.atSeconds()), round(at()), round(at()), "error", String.valueOf(e)));
                notice("fault " + f.kind().id() + " failed: " + e);
            }
        }
    }

    /** Runs one fault; returns {outcome, detail}: outcome done, or skipped with why. */
    private String[] inject(FaultKind kind, Random random) throws Exception {
        switch (kind) {
            case ENCODER_KILL -> {
                ChildService e = encoders.get(random.nextInt(encoders.size()));
                long pid = e.pid();
                faulted.add(e.name());
                try {
                    e.kill();
                    Thread.sleep(5000); // down long enough for the group to notice and rebalance
                    long t = System.nanoTime();
                    e.start(Duration.ofMinutes(4));
                    return done(String.format("SIGKILL %s (pid %d); restarted as pid %d, ready in %.0f s", e.name(), pid, e.pid(),
                            (System.nanoTime() - t) / 1e9));
                } finally {
                    faulted.remove(e.name());
                }
            }
            case BROKER_PAUSE -> {
                long pid = cluster.brokerPid();
                cluster.pause();
                try {
                    Thread.sleep(options.pause().toMillis());
                } finally {
                    cluster.resume();
                }
                return done(String.format("SIGSTOP broker (pid %d) for %d s (producer delivery timeout 6 s, transaction timeout 8 s), "
                        + "then SIGCONT", pid, options.pause().toSeconds()));
            }
            case BROKER_RESTART -> {
                long pid = cluster.brokerPid();
                long t = System.nanoTime();
                cluster.restartBroker();
                return done(String.format("SIGTERM broker (pid %d), started again as pid %d on the same port and data in %.0f s",
                        pid, cluster.brokerPid(), (System.nanoTime() - t) / 1e9));
            }
            case TRAINER_KILL -> {
                return killTrainerDuringPublication();
            }
            case ROLLBACK -> {
                return rollback();
            }
            case SLOW_CLIENTS -> {
                SlowClients.Result r = SlowClients.burst(retriever.port(), SLOW_CLIENTS, Duration.ofSeconds(12));
                slowClients = r;
                return done(String.format("%d slow connections for 12 s: %d closed by the server; /health %d probes, %d failed, "
                        + "slowest %d ms", r.connections(), r.closedByServer(), r.probes(), r.probeFailures(), r.probeMaxMillis()));
            }
            default -> throw new IllegalStateException(kind.toString());
        }
    }

    private static String[] done(String detail) {
        return new String[] {"done", detail};
    }

    /**
     * Watches the checkpoints topic read_uncommitted: a publication's first chunk is visible
     * there before its transaction commits, so killing the trainer then lands inside (or at
     * least right at the end of) a publication. Afterwards the versions topic says whether that
     * version landed; the trainer is started again.
     */
    private String[] killTrainerDuringPublication() throws Exception {
        Map<String, Object> p = cluster.settings().common();
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20);
        String topic = cluster.topics().name(VilstreamTopic.MODEL_CHECKPOINTS);
        String seen = null;
        long pid = trainer.pid();
        long killedAfterMs = -1;
        faulted.add(trainer.name());
        try {
            try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
                List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                        .map(i -> new TopicPartition(topic, i.partition())).toList();
                c.assign(parts);
                c.seekToEnd(parts);
                parts.forEach(tp -> c.position(tp, Duration.ofSeconds(30)));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                while (seen == null && System.nanoTime() < deadline && !stopping) {
                    for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(50))) {
                        if (r.key() != null && r.key().startsWith(ModelKeys.modelPrefix(MODEL))) {
                            long t = System.nanoTime();
                            trainer.kill();
                            killedAfterMs = (System.nanoTime() - t) / 1_000_000;
                            seen = r.key();
                            break;
                        }
                    }
                }
            }
            if (seen == null) {
                return new String[] {"skipped", "no publication started within 90 s"};
            }
            String versionKey = seen.substring(0, seen.indexOf('#') < 0 ? seen.length() : seen.indexOf('#'));
            long version = Long.parseLong(versionKey.substring(versionKey.indexOf('@') + 1));
            Thread.sleep(3000);
            long t = System.nanoTime();
            trainer.start(Duration.ofMinutes(4));
            boolean landed = store().readState(MODEL, Duration.ofSeconds(60)).get(version).isPresent();
            return done(String.format("SIGKILL trainer (pid %d) on seeing chunk %s uncommitted (kill took %d ms); version %d %s; "
                    + "restarted as pid %d, ready in %.0f s", pid, seen, killedAfterMs, version,
                    landed ? "landed (the kill came after the commit)" : "never landed (its transaction was aborted)",
                    trainer.pid(), (System.nanoTime() - t) / 1e9));
        } finally {
            faulted.remove(trainer.name());
        }
    }

    /** {@code model rollback --to V}: ModelAdmin, the CLI's own code path, to the newest older promoted version with weights. */
    private String[] rollback() throws Exception {
        ModelStore store = store();
        ModelRegistryState state = store.readState(MODEL, Duration.ofSeconds(60));
        long served = state.served().map(ModelVersion::getVersion).orElse(0L);
        List<ModelVersion> older = new ArrayList<>(state.all().stream().filter(v -> v.getVersion() < served
                && v.getStatus() == ModelStatus.PROMOTED && v.getChunkCount() > 0).toList());
        if (older.isEmpty()) {
            return new String[] {"skipped", "served v" + served + " has no older promoted version with weights to go back to"};
        }
        Collections.reverse(older);
        long target = older.get(0).getVersion();
        List<ModelVersion> written = new ModelAdmin(cluster.settings(), store).rollback(MODEL, target, "chaos rollback",
                Duration.ofSeconds(60));
        rollbacks.add(new OutputChecks.Rollback(served, target));
        return done(String.format("model rollback --to %d (served was %d, the trainer running); %d version records written",
                target, served, written.size()));
    }

    private ModelStore store() {
        return new ModelStore(cluster.settings(), new ModelStoreTopics(cluster.topics().name(VilstreamTopic.MODEL_VERSIONS),
                cluster.topics().name(VilstreamTopic.MODEL_CHECKPOINTS)));
    }

    /** A service that died without a fault doing it is counted and started again, as an orchestrator would. */
    private void watchdog() throws Exception {
        List<ChildService> all = new ArrayList<>(encoders);
        all.add(trainer);
        for (ChildService s : all) {
            if (!s.isAlive() && !faulted.contains(s.name()) && !stopping) {
                String msg = String.format("%.0f s: %s exited on its own; log tail:%n%s", at(), s.name(), s.tail());
                unplannedExits.add(msg);
                notice(s.name() + " exited on its own (see " + s.log() + "); starting it again");
                faulted.add(s.name());
                try {
                    s.start(Duration.ofMinutes(4));
                } finally {
                    faulted.remove(s.name());
                }
            }
        }
    }

    // ---- the end: settle and check ----

    private List<CheckResult> settle(Ledger ledger, CountDownLatch interrupted) throws Exception {
        ModelRegistryState state = store().readState(MODEL, Duration.ofSeconds(60));
        long promoted = state.served().map(ModelVersion::getVersion).orElse(0L);
        out.printf("promoted version: v%d; checking the topics until everything holds (up to %d s)...%n", promoted,
                options.settle().toSeconds());
        long deadline = System.nanoTime() + options.settle().toNanos();
        List<CheckResult> checks;
        long lastLine = 0;
        while (true) {
            scraper.scrapeAll();
            ledger.catchUp(Duration.ofSeconds(30));
            checks = evaluate(ledger.snapshot(), promoted, state);
            boolean allPass = checks.stream().allMatch(c -> c.outcome() == CheckResult.Outcome.PASS);
            if (allPass) {
                // every check of the running system holds at this instant; the stored checkpoints cannot change
                // any more (the trainer is stopped), so they are read once, after this instant is taken
                double at = round(at());
                CheckResult stored = versionsComplete(state);
                checks.add(stored);
                if (stored.outcome() == CheckResult.Outcome.PASS) {
                    convergedAt = at;
                }
                break;
            }
            if (System.nanoTime() > deadline || interrupted.getCount() == 0) {
                checks.add(versionsComplete(state));
                break;
            }
            if (System.nanoTime() - lastLine > TimeUnit.SECONDS.toNanos(5)) {
                progress("settling: " + checks.stream().filter(c -> c.outcome() != CheckResult.Outcome.PASS)
                        .map(CheckResult::name).toList() + " not yet" + readState(promoted));
                lastLine = System.nanoTime();
            }
            // a check round takes seconds (reading the topics to their end): the pause between rounds is
            // kept short so that the convergence time is measured to within a round
            interrupted.await(1, TimeUnit.SECONDS);
        }
        return checks;
    }

    private List<CheckResult> evaluate(Ledger.Snapshot s, long promoted, ModelRegistryState state) throws Exception {
        List<CheckResult> checks = new ArrayList<>();
        checks.add(OutputChecks.accounted(s, promoted, id -> id.contains("-bad-")));
        checks.add(OutputChecks.latestLast(s, promoted));
        checks.add(OutputChecks.noDuplicates(s, rollbacks));
        checks.add(OutputChecks.versionsMonotonic(s, rollbacks));
        checks.add(batchSize());
        checks.add(encodersOnPromoted(promoted));
        long served = retriever.versions().served().map(x -> x.version()).orElse(-1L);
        checks.add(CheckResult.of("retriever-serves-promoted", served == promoted,
                "the retriever serves v" + served + ", promoted v" + promoted, Map.of("served", served, "promoted", promoted)));
        checks.add(drained());
        checks.add(deletedGoneFromIndex(s));
        CheckResult hanging = OutputChecks.noHangingTransactions(watchTransactions(), at(), HANGING_AFTER_SECONDS);
        Map<String, Object> hangingCounts = new LinkedHashMap<>(hanging.counts());
        // what the encoders' own check ended (transactions their coordinator had aborted, the marker missing)
        hangingCounts.put("ended_by_encoders", (long) encoders.stream().mapToDouble(e ->
                scraper.value(e.name(), "vilstream_encoder_hanging_transactions_aborted_total").orElse(0)).sum());
        checks.add(new CheckResult(hanging.name(), hanging.outcome(), hanging.detail(), hangingCounts));
        if (slowClients != null) {
            SlowClients.Result r = slowClients;
            // the retriever's promise: a slow client holds a thread no longer than the header timeout (3 s here)
            boolean ok = r.probeFailures() == 0 && r.probeMaxMillis() <= 3000 + 2000;
            checks.add(CheckResult.of("retriever-available-under-slow-clients", ok, String.format(
                    "/health answered %d/%d probes during the burst, slowest %d ms (bound: header timeout 3 s + 2 s)",
                    r.probes() - r.probeFailures(), r.probes(), r.probeMaxMillis()),
                    Map.of("probes", r.probes(), "failures", r.probeFailures(), "max_ms", r.probeMaxMillis(),
                            "closed_by_server", r.closedByServer())));
        }
        return checks;
    }

    private CheckResult batchSize() {
        int limit = Integer.parseInt(options.overrides().getOrDefault("encoder.batch.size", "16"));
        Map<String, Double> max = scraper.maxBatch();
        double largest = max.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        Map<String, Object> counts = new LinkedHashMap<>();
        max.forEach((k, v) -> counts.put("max_" + k, v));
        counts.put("limit", limit);
        if (max.isEmpty()) {
            return CheckResult.fail("tower-batch-within-limit", "no encoder reported a batch (vilstream_encoder_batch_size_max)", counts);
        }
        return CheckResult.of("tower-batch-within-limit", largest <= limit, String.format(
                "largest tower batch %s (encoder.batch.size %d), from /metrics every 2 s", max, limit), counts);
    }

    private CheckResult encodersOnPromoted(long promoted) {
        Map<String, Object> versions = new LinkedHashMap<>();
        boolean ok = true;
        for (ChildService e : encoders) {
            OptionalDouble v = scraper.liveVersionNow(e.name());
            versions.put(e.name(), v.isPresent() ? (Object) (long) v.getAsDouble() : "no answer");
            ok &= v.isPresent() && (long) v.getAsDouble() == promoted;
        }
        return CheckResult.of("encoders-on-promoted", ok, "live model versions " + versions + ", promoted v" + promoted, versions);
    }

    /** The encoder group has committed the content topic's end on every partition: nothing buffered or unread. */
    private CheckResult drained() throws Exception {
        String topic = cluster.topics().name(VilstreamTopic.CONTENT);
        String group = options.overrides().getOrDefault("encoder.application.id", "vilstream-encoder");
        try (Admin admin = Admin.create(cluster.settings().common())) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions()
                    .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            long lag = 0;
            for (var e : admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).entrySet()) {
                OffsetAndMetadata c = committed.get(e.getKey());
                lag += e.getValue().offset() - (c == null ? 0 : c.offset());
            }
            return CheckResult.of("buffers-drained", lag == 0, "encoder group " + group + " lag " + lag
                    + " on " + topic + " (committed = end: nothing unread or still buffered)", Map.of("lag", lag));
        }
    }

    private CheckResult deletedGoneFromIndex(Ledger.Snapshot s) {
        List<String> deleted = OutputChecks.latestContent(s.content()).values().stream().filter(Ledger.Content::tombstone)
                .map(Ledger.Content::id).toList();
        List<String> still = new ArrayList<>();
        for (long v : retriever.versions().heldVersions()) {
            retriever.versions().index(v).ifPresent(index -> deleted.stream().filter(index::contains)
                    .forEach(id -> still.add(id + " in v" + v)));
        }
        return CheckResult.of("deleted-gone-from-index", still.isEmpty(), still.isEmpty()
                ? deleted.size() + " deleted ids, none in the retriever's " + retriever.versions().heldVersions().size() + " held indexes"
                : still.size() + " deleted ids still indexed, e.g. " + still.subList(0, Math.min(5, still.size())),
                Map.of("deleted", deleted.size(), "still_indexed", still.size()));
    }

    /**
     * The transactions open now on the encoders' output topics and buffer changelog (Kafka's describeProducers, the
     * call behind {@code kafka-transactions.sh find-hanging}), each with when this run first saw
     * it open; prints a notice when one first passes {@link #HANGING_AFTER_SECONDS}. An empty list
     * while the broker does not answer (paused or restarting).
     */
    private List<OutputChecks.OpenTransaction> watchTransactions() {
        List<OutputChecks.OpenTransaction> open = new ArrayList<>();
        try (Admin admin = Admin.create(cluster.settings().common())) {
            List<TopicPartition> partitions = HangingTransactions.partitionsOf(admin, EncoderTopology.transactionalTopics(
                    cluster.topics(), options.overrides().getOrDefault("encoder.application.id", "vilstream-encoder")));
            double now = at();
            var described = admin.describeProducers(partitions).all().get(10, TimeUnit.SECONDS);
            java.util.Set<String> seen = new java.util.HashSet<>();
            described.forEach((tp, d) -> d.activeProducers().forEach(ps -> ps.currentTransactionStartOffset().ifPresent(first -> {
                String key = tp + "|" + ps.producerId() + "|" + first;
                seen.add(key);
                OutputChecks.OpenTransaction t = openSince.computeIfAbsent(key, k -> new OutputChecks.OpenTransaction(
                        tp.toString(), ps.producerId(), ps.producerEpoch(), first, now));
                if (now - t.firstSeenAt() > HANGING_AFTER_SECONDS && reportedHanging.add(key)) {
                    notice(String.format("HANGING TRANSACTION on %s: producer %d (epoch %d) open from offset %d since %.0f s",
                            tp, ps.producerId(), ps.producerEpoch(), first, t.firstSeenAt()));
                }
                open.add(t);
            })));
            openSince.keySet().retainAll(seen);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return List.copyOf(open);
        }
        return open;
    }

    /**
     * What the retriever is waiting for while it settles: the promoted version's items against the
     * served one's, and the embedding partitions whose last stable offset is held below their high
     * watermark by an open transaction (what a read_committed reader cannot pass).
     */
    private String readState(long promoted) {
        StringBuilder b = new StringBuilder(" | retriever");
        long served = retriever.versions().served().map(x -> x.version()).orElse(-1L);
        b.append(" v").append(promoted).append(' ')
                .append(retriever.versions().index(promoted).map(i -> String.valueOf(i.items())).orElse("-")).append(" items, v")
                .append(served).append(' ')
                .append(retriever.versions().index(served).map(i -> String.valueOf(i.items())).orElse("-")).append(" items");
        try (Admin admin = Admin.create(cluster.settings().common())) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            HangingTransactions.partitionsOf(admin, List.of(cluster.topics().name(VilstreamTopic.EMBEDDINGS_IMAGE),
                    cluster.topics().name(VilstreamTopic.EMBEDDINGS_TEXT))).forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            var high = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
            var stable = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                    .get(10, TimeUnit.SECONDS);
            List<String> held = new ArrayList<>();
            high.forEach((tp, h) -> {
                long lso = stable.get(tp).offset();
                if (h.offset() > lso) {
                    held.add(tp + " LSO " + lso + " < HW " + h.offset());
                }
            });
            b.append(held.isEmpty() ? " | no embedding partition held by an open transaction" : " | held: " + held);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            b.append(" | offsets not read: ").append(e.getMessage());
        }
        return b.toString();
    }

    /** Every version record with weights has all its chunks, matching its sha256: no half publication survived a kill. */
    private CheckResult versionsComplete(ModelRegistryState state) {
        ModelStore store = store();
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (ModelVersion v : state.all()) {
            if (v.getChunkCount() > 0) {
                checked++;
                try {
                    store.fetchCheckpoint(v, Duration.ofSeconds(30));
                } catch (Exception e) {
                    broken.add("v" + v.getVersion() + ": " + e.getMessage());
                }
            }
        }
        return CheckResult.of("model-versions-complete", broken.isEmpty(), broken.isEmpty()
                ? checked + " retained versions with weights, every checkpoint complete and matching its sha256"
                : "broken: " + broken, Map.of("checked", checked, "broken", broken.size()));
    }

    // ---- output ----

    private void progress(String phase) {
        ChaosProducer.Counts c = producer == null ? null : producer.counts();
        StringBuilder enc = new StringBuilder();
        for (ChildService e : encoders) {
            OptionalDouble v = scraper.value(e.name(), "vilstream_encoder_model_version{pipeline=\"live\"");
            enc.append(e.isAlive() ? (v.isPresent() ? "v" + (long) v.getAsDouble() : "up") : "DOWN").append(' ');
        }
        OptionalDouble tv = scraper.value("trainer", "vilstream_trainer_model_version");
        OptionalDouble step = scraper.value("trainer", "vilstream_trainer_lineage_step");
        String line = String.format("[%4.0fs] %s | produced %d (content acked %d; new %d, upd %d, again %d, del %d, bad %d) | encoders %s| "
                        + "trainer %s v%s step %s | retriever v%s | faults %d done",
                at(), phase, c == null ? 0 : c.sent(), c == null ? 0 : c.acknowledged(), c == null ? 0 : c.news(),
                c == null ? 0 : c.updates(), c == null ? 0 : c.sameAgain(), c == null ? 0 : c.deletes(),
                c == null ? 0 : c.malformed(), enc, trainer != null && trainer.isAlive() ? "up" : "down",
                tv.isPresent() ? String.valueOf((long) tv.getAsDouble()) : "-",
                step.isPresent() ? String.valueOf((long) step.getAsDouble()) : "-",
                retriever == null ? "-" : retriever.versions().served().map(x -> String.valueOf(x.version())).orElse("-"),
                faults.size());
        out.println(line);
        out.flush();
    }

    private void notice(String message) {
        out.printf("[%4.0fs] %s%n", at(), message);
        out.flush();
    }

    private double at() {
        return t0 == 0 ? 0 : (System.nanoTime() - t0) / 1e9;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private void report(Map<String, Object> summary, List<CheckResult> checks, int exit) throws Exception {
        out.println();
        out.println("faults:");
        for (FaultRecord f : faults) {
            out.printf("  %6.1f s  %-15s %-7s %s%n", f.startedAt(), f.kind(), f.outcome(), f.detail());
        }
        if (!unplannedExits.isEmpty()) {
            out.println("services that exited without a fault doing it (started again):");
            unplannedExits.forEach(u -> out.println("  " + u.lines().findFirst().orElse(u)));
        }
        out.println("checks:");
        for (CheckResult c : checks) {
            out.printf("  %-7s %-40s %s%n", c.outcome(), c.name(), c.detail());
        }
        double lastFaultEnd = faults.stream().mapToDouble(FaultRecord::endedAt).max().orElse(0);
        if (convergedAt >= 0) {
            out.printf("converged: every check held at %.0f s: %.0f s after the last fault ended (%.0f s), %.0f s after the"
                    + " producer stopped (%.0f s)%n", convergedAt, convergedAt - lastFaultEnd, lastFaultEnd,
                    convergedAt - producingEndedAt, producingEndedAt);
        }
        out.println(exit == 0 ? "chaos: every check holds" : "chaos: VIOLATIONS (or the run failed); exit 1");
        if (options.json() == null) {
            return;
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("exit", exit);
        json.put("run_dir", runDir.toAbsolutePath().toString());
        json.put("options", Map.of("duration_s", options.duration().toSeconds(), "seed", options.seed(), "rate", options.rate(),
                "faults_per_minute", options.faultsPerMinute(), "dataset", options.dataset(), "encoders", options.encoders(),
                "pause_s", options.pause().toSeconds(), "settle_s", options.settle().toSeconds(), "set", options.overrides()));
        json.put("faults", faults);
        json.put("rollbacks", rollbacks);
        json.put("unplanned_exits", unplannedExits);
        if (producer != null) {
            json.put("produced", producer.counts());
        }
        json.put("max_tower_batch", scraper.maxBatch());
        // convergence: from the end of the last fault to the first moment every check held (null: never)
        json.put("last_fault_ended_s", lastFaultEnd);
        json.put("producing_ended_s", producingEndedAt);
        json.put("converged_at_s", convergedAt >= 0 ? convergedAt : null);
        json.put("convergence_s", convergedAt >= 0 ? round(convergedAt - lastFaultEnd) : null);
        List<Map<String, Object>> cs = new ArrayList<>();
        for (CheckResult c : checks) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", c.name());
            m.put("outcome", c.outcome().name().toLowerCase());
            m.put("detail", c.detail());
            m.put("counts", c.counts());
            cs.add(m);
        }
        json.put("checks", cs);
        json.putAll(summary);
        Path file = options.json().toAbsolutePath();
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        JSON.writeValue(file.toFile(), json);
        out.println("wrote " + options.json());
    }

    /** Stops everything this run started, the broker last (SIGCONT first if a fault left it paused). */
    private void stopAll() {
        if (cluster != null) {
            try {
                cluster.resume();
            } catch (Exception e) {
                out.println("resuming the broker failed: " + e.getMessage());
            }
        }
        if (retriever != null) {
            try {
                retriever.close();
            } catch (RuntimeException e) {
                out.println("closing the retriever failed: " + e.getMessage());
            }
        }
        List<ChildService> children = new ArrayList<>(encoders);
        if (trainer != null) {
            children.add(trainer);
        }
        for (ChildService c : children) {
            try {
                c.stop(Duration.ofSeconds(60));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                try {
                    c.kill();
                } catch (InterruptedException ignored) {
                    // SIGKILL was sent
                }
            }
        }
        if (cluster != null) {
            cluster.close();
        }
    }
}
