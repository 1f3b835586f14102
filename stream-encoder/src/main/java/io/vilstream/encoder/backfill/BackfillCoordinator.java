package io.vilstream.encoder.backfill;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongFunction;
import java.util.function.LongPredicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.MeterRegistry;
import io.vilstream.encoder.metrics.EncoderMetrics;
import io.vilstream.encoder.models.SwappableModel;
import io.vilstream.encoder.batching.TowerWorkers;
import io.vilstream.encoder.topology.EncodeOptions;
import io.vilstream.encoder.topology.EncoderTopology;
import io.vilstream.modelstore.ModelRegistryState;
import io.vilstream.runtime.kafka.KafkaSettings;
import io.vilstream.schemas.topics.TopicSet;
import io.vilstream.schemas.topics.VilstreamTopic;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-embeds all content with a newly served version: one Kafka Streams app per version
 * ({@code <app>-backfill-v<N>}, its own consumer group) reads the compacted content topic from the
 * beginning and writes embeddings and tags of version N next to the live stream's. Every encoder
 * instance joins the same app, so the work is shared by partitions. The target is the live
 * group's committed offsets taken a grace period after the swap (by then every instance encodes
 * with N itself, so what the live encoder commits from there on has N; {@link #target}); once
 * the app's committed offsets reach it and this instance's buffers hold nothing below it
 * ({@link BackfillProgress}), the backfill stops here, and the retriever
 * sees version N cover everything. A backfill that stops moving is not complete: it waits, and
 * says so in the log. A newer version cancels an older backfill, and one not yet begun (still in
 * its grace period) never begins; until it is closed, a superseded backfill writes nothing more.
 * A backfill writes only within its {@link ContentScope}: each id's latest content below the
 * target, never older content after newer, and never its version after a newer serving's. A
 * restarted instance skips a version whose backfill group already committed past the target.
 * Each serving of a version gets its own app (the id carries the time it became served), so a
 * rollback to a version backfilled before re-embeds what newer versions embedded meanwhile.
 */
public final class BackfillCoordinator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BackfillCoordinator.class);

    /**
     * What a backfill needs from the live encoder. {@code loader} gives the model of a version,
     * fixed: the live encoder's own when it serves that version (nothing to load), else loaded.
     */
    public record Context(KafkaSettings settings, TopicSet topics, String applicationId, Path stateDir,
                          EncoderTopology.Settings topology, Duration grace, Duration commitInterval, MeterRegistry registry,
                          LongFunction<SwappableModel> loader, TowerWorkers towers, Supplier<ModelRegistryState> models) {
    }

    private final Context ctx;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "backfill-coordinator");
        t.setDaemon(true);
        return t;
    });
    /** Closes cancelled backfills, so that neither the model follower nor the next backfill waits for it. */
    private final ExecutorService closer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "backfill-closer");
        t.setDaemon(true);
        return t;
    });
    private Running running;

    /** A serving: a version, and since when it is served (its PROMOTED record's update time). */
    private record Serving(long version, long since) {
    }

    /** The serving now; set at once by {@link #onServed}, read by the running backfill's scope. */
    private volatile Serving serving = new Serving(-1, -1);

    private record Running(long version, String appId, KafkaStreams streams, SwappableModel model, BackfillProgress progress,
                           Instant started, ScheduledFuture<?> monitor, ContentTail tail) {
    }

    /** Checks (one a second) without progress after which a waiting backfill says where it stands. */
    private static final int QUIET_CHECKS = 30;
    private Map<TopicPartition, Long> lastCommitted = Map.of();
    private int unchanged;

    public BackfillCoordinator(Context ctx) {
        this.ctx = ctx;
    }

    /**
     * The backfill app of one serving of a version.
     *
     * @param servedSince when the version became served (its PROMOTED record's update time)
     */
    public static String applicationId(String live, long version, long servedSince) {
        return live + "-backfill-v" + version + "-" + servedSince;
    }

    /**
     * The live encoder now serves {@code version} (since {@code servedSince}): backfill it after the
     * grace period. Returns at once (it is called on the model follower's thread, and must not
     * delay the next swap): a running backfill of another serving is superseded from now on (it
     * writes nothing more) and is cancelled on the coordinator's thread.
     */
    public void onServed(long version, long servedSince) {
        serving = new Serving(version, servedSince);
        try {
            scheduler.execute(() -> served(version, servedSince));
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // closing
        }
    }

    private synchronized void served(long version, long servedSince) {
        if (superseded(version, servedSince)) {
            return; // a newer serving was announced meanwhile: its own call follows
        }
        if (running != null && (running.version() != version || !running.appId().equals(applicationId(ctx.applicationId(), version, servedSince)))) {
            log.info("backfill of version {} cancelled: version {} is served now", running.version(), version);
            stop();
        }
        if (version <= 0 || running != null) {
            return; // version 0 is what the live stream started with: nothing to redo
        }
        scheduler.schedule(() -> begin(version, servedSince), ctx.grace().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether the serving of {@code version} since {@code servedSince} is no longer the current one. */
    boolean superseded(long version, long servedSince) {
        Serving now = serving;
        return version != now.version() || servedSince != now.since();
    }

    private synchronized void begin(long version, long servedSince) {
        if (running != null) {
            return;
        }
        if (superseded(version, servedSince)) {
            // a newer version (or serving) came during the grace period: its own backfill follows
            log.info("backfill of version {} not started: version {} is served now", version, serving.version());
            return;
        }
        String appId = applicationId(ctx.applicationId(), version, servedSince);
        String topic = ctx.topics().name(VilstreamTopic.CONTENT);
        long began = System.nanoTime();
        ContentTail tail = null;
        try (Admin admin = Admin.create(ctx.settings().common())) {
            Map<TopicPartition, Long> target = target(endOffsets(admin, topic), admin.listConsumerGroupOffsets(ctx.applicationId())
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS));
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(appId)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            if (done(committed, target)) {
                log.info("backfill of version {} already complete (group {})", version, appId);
                return;
            }
            long modelsFrom = System.nanoTime();
            LongPredicate newerServing = ContentScope.newerServing(ctx.models().get(), version);
            long modelsMs = (System.nanoTime() - modelsFrom) / 1_000_000;
            // from the target on, every id with a newer record is the live encoder's (started before the slower reads below)
            tail = ContentTail.start(ctx.settings().common(), target, "backfill-v" + version + "-content-tail");
            long scopeFrom = System.nanoTime();
            Map<String, Long> latest = ContentScope.latestOffsets(ctx.settings().common(), target, Duration.ofSeconds(60));
            Map<Integer, java.util.Set<Long>> heldByLive = ContentScope.heldByLive(ctx.settings().common(),
                    ctx.applicationId() + "-" + EncoderTopology.BUFFER_STORE + "-changelog", Duration.ofSeconds(30));
            long scopeMs = (System.nanoTime() - scopeFrom) / 1_000_000;
            ContentScope scope = new ContentScope(target.entrySet().stream()
                    .collect(Collectors.toMap(e -> e.getKey().partition(), Map.Entry::getValue)), latest, heldByLive, tail::touched,
                    () -> superseded(version, servedSince), newerServing);
            long modelFrom = System.nanoTime();
            SwappableModel fixed = ctx.loader().apply(version);
            long modelMs = (System.nanoTime() - modelFrom) / 1_000_000;
            BackfillProgress progress = new BackfillProgress(target);
            KafkaStreams streams = new KafkaStreams(EncoderTopology.build(ctx.topics(), ctx.settings().serdeConfig(),
                    new EncoderTopology.Settings(ctx.topology().modelName(), ctx.topology().batchSize(), ctx.topology().lingerMs(),
                            ctx.topology().limits(), ctx.topology().imageSize(), ctx.topology().tagsTopK(),
                            ctx.topology().tagsThreshold(), EncodeOptions.backfill()),
                    fixed, null, new EncoderMetrics(ctx.registry(), "backfill"), ctx.towers(), progress, scope), props(appId));
            streams.setUncaughtExceptionHandler(e -> {
                // e.g. a send that timed out while the broker stalled (FailThreadOnSendError): a new
                // thread resumes every task from its last commit
                log.error("backfill of version {}: stream thread failed; replacing it", version, e);
                return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
            });
            streams.start();
            ScheduledFuture<?> monitor = scheduler.scheduleWithFixedDelay(() -> check(version), 1, 1, TimeUnit.SECONDS);
            running = new Running(version, appId, streams, fixed, progress, Instant.now(), monitor, tail);
            tail = null;
            log.info("backfill of version {} started ({}): re-embedding the latest content of {} ids of {} up to offsets {}"
                    + " ({} records still in the live buffers left to the live encoder; ready {} ms after the grace: {} ms"
                    + " reading the content and buffer topics, {} ms the model topics, {} ms taking the model)", version, appId,
                    latest.size(), topic, target, heldByLive.values().stream().mapToInt(java.util.Set::size).sum(),
                    (System.nanoTime() - began) / 1_000_000, scopeMs, modelsMs, modelMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            log.error("cannot start the backfill of version {}; retrying in 10 s", version, e);
            scheduler.schedule(() -> begin(version, servedSince), 10, TimeUnit.SECONDS);
        } finally {
            if (tail != null) {
                tail.close(); // the backfill did not start
            }
        }
    }

    private synchronized void check(long version) {
        if (running == null || running.version() != version) {
            return;
        }
        String appId = running.appId();
        try (Admin admin = Admin.create(ctx.settings().common())) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(appId)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, Long> now = committed.entrySet().stream().filter(e -> e.getValue() != null)
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
            unchanged = now.equals(lastCommitted) ? unchanged + 1 : 0;
            lastCommitted = now;
            if (running.progress().complete(now)) {
                log.info("backfill of version {} complete in {} s", version,
                        Duration.between(running.started(), Instant.now()).toSeconds());
                stop();
            } else if (unchanged >= QUIET_CHECKS) {
                // not complete: a paused partition leader or a long restore; the coverage must still come
                log.warn("backfill of version {} has not moved for {} s: committed {}, target {}, {} records below it buffered here",
                        version, unchanged, now, running.progress().target(), running.progress().heldBelowTarget());
                unchanged = 0;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            log.warn("backfill of version {}: progress check failed: {}", version, e.getMessage());
        }
    }

    /**
     * A backfill's target: per partition, the live group's committed offset (at most the end
     * offset; 0 where the live group has none, since it then reads the partition from the start
     * with the new version). Everything the live encoder commits after its swap it encodes with
     * the new version, so the backfill stops where the live encoder stood when it began: after a
     * broker pause or a restart the live encoder may lag far behind the end offsets, and a target
     * at the end would have both embed its backlog with the same version.
     */
    static Map<TopicPartition, Long> target(Map<TopicPartition, Long> end, Map<TopicPartition, OffsetAndMetadata> live) {
        return end.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> {
            OffsetAndMetadata c = live.get(e.getKey());
            return c == null ? 0L : Math.min(e.getValue(), c.offset());
        }));
    }

    /** Whether a backfill group's committed offsets have reached {@code target} (a restarted instance's check). */
    static boolean done(Map<TopicPartition, OffsetAndMetadata> committed, Map<TopicPartition, Long> target) {
        Map<TopicPartition, Long> offsets = committed.entrySet().stream().filter(e -> e.getValue() != null)
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        return BackfillProgress.reached(offsets, target) && (!committed.isEmpty() || target.values().stream().allMatch(v -> v == 0));
    }

    static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) throws ExecutionException, InterruptedException,
            TimeoutException {
        List<TopicPartition> parts = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                .get(topic).partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        ListOffsetsResult r = admin.listOffsets(parts.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())));
        return r.all().get(30, TimeUnit.SECONDS).entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    private Properties props(String appId) {
        Properties p = new Properties();
        p.putAll(ctx.settings().common());
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
        EncoderTopology.exactlyOnce(p); // as the live encoder's
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, ctx.commitInterval().toMillis());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        p.put(StreamsConfig.STATE_DIR_CONFIG, ctx.stateDir().resolve(appId).toString());
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 128);
        return p;
    }

    /** Whether a backfill is running, and for which version (-1: none). */
    public synchronized long runningVersion() {
        return running == null ? -1 : running.version();
    }

    private void stop() {
        Running r = running;
        running = null;
        unchanged = 0;
        lastCommitted = Map.of();
        if (r != null) {
            r.monitor().cancel(false);
            r.tail().close();
            closer.execute(() -> {
                r.streams().close(Duration.ofSeconds(30));
                r.model().close();
            });
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            stop();
        }
        scheduler.shutdownNow();
        closer.shutdown();
        try {
            if (!closer.awaitTermination(40, TimeUnit.SECONDS)) {
                log.warn("a cancelled backfill did not close within 40 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
