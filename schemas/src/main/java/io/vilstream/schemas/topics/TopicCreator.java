package io.vilstream.schemas.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates missing topics and checks existing ones against their {@link TopicSpec}s, through
 * Kafka's {@link Admin}, on any cluster. Idempotent: run it at every start-up. An existing topic
 * passes when it has at least the spec's partitions and the same cleanup policy; anything else is
 * reported as a mismatch (never changed: repartitioning or flipping compaction on a live topic is
 * an operator's decision). Other configs are set at creation only.
 */
public final class TopicCreator {

    private static final Logger log = LoggerFactory.getLogger(TopicCreator.class);

    /** Replication factor meaning "the broker's default.replication.factor". */
    public static final short BROKER_DEFAULT = -1;

    private static final long METADATA_RETRY_MS = 50;

    private final Admin admin;
    private final Optional<Short> replicationFactor;
    private final Duration timeout;

    /** Replication factor min(3, brokers), 30 s timeout. */
    public TopicCreator(Admin admin) {
        this(admin, Optional.empty(), Duration.ofSeconds(30));
    }

    private TopicCreator(Admin admin, Optional<Short> replicationFactor, Duration timeout) {
        this.admin = Objects.requireNonNull(admin, "admin");
        this.replicationFactor = replicationFactor;
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** A fixed replication factor for created topics, or {@link #BROKER_DEFAULT}. */
    public TopicCreator replicationFactor(short factor) {
        if (factor < 1 && factor != BROKER_DEFAULT) {
            throw new IllegalArgumentException("replication factor must be >= 1 or -1 (broker default)");
        }
        return new TopicCreator(admin, Optional.of(factor), timeout);
    }

    public TopicCreator timeout(Duration newTimeout) {
        return new TopicCreator(admin, replicationFactor, newTimeout);
    }

    public TopicReport ensure(TopicSet topics) {
        return ensure(topics.all());
    }

    /**
     * Creates what is missing and verifies the rest.
     *
     * @throws IllegalStateException when the cluster cannot be asked or refuses to create a topic
     */
    public TopicReport ensure(Collection<TopicSpec> specs) {
        Map<String, TopicSpec> byName = new LinkedHashMap<>();
        specs.forEach(s -> byName.put(s.name(), s));
        try {
            Set<String> existing = admin.listTopics(new ListTopicsOptions().listInternal(true)).names()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            List<String> created = new ArrayList<>();
            List<TopicSpec> toVerify = new ArrayList<>();
            List<TopicSpec> missing = new ArrayList<>();
            for (TopicSpec spec : byName.values()) {
                (existing.contains(spec.name()) ? toVerify : missing).add(spec);
            }
            if (!missing.isEmpty()) {
                create(missing, created, toVerify);
            }
            List<String> verified = new ArrayList<>();
            List<TopicReport.Mismatch> mismatched = new ArrayList<>();
            verify(toVerify, verified, mismatched);
            TopicReport report = new TopicReport(created, verified, mismatched);
            if (report.ok()) {
                log.info("topics: {}", report);
            } else {
                log.warn("topics: {}", report);
            }
            return report;
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot ensure topics " + byName.keySet() + ": " + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the cluster did not answer within " + timeout + " while ensuring topics", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while ensuring topics", e);
        }
    }

    private void create(List<TopicSpec> missing, List<String> created, List<TopicSpec> toVerify)
            throws InterruptedException, ExecutionException, TimeoutException {
        Optional<Short> replicas = resolveReplicationFactor();
        List<NewTopic> newTopics = missing.stream()
                .map(s -> new NewTopic(s.name(), Optional.of(s.partitions()), replicas).configs(s.configs()))
                .toList();
        Map<String, KafkaFuture<Void>> results = admin.createTopics(newTopics).values();
        List<String> failures = new ArrayList<>();
        for (TopicSpec spec : missing) {
            try {
                results.get(spec.name()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                created.add(spec.name());
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicExistsException) {
                    toVerify.add(spec); // created by someone else meanwhile: check it like any existing one
                } else {
                    failures.add(spec.name() + ": " + e.getCause().getMessage());
                }
            }
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("could not create topics: " + failures);
        }
    }

    private Optional<Short> resolveReplicationFactor() throws InterruptedException, ExecutionException, TimeoutException {
        if (replicationFactor.isPresent()) {
            short f = replicationFactor.get();
            return f == BROKER_DEFAULT ? Optional.empty() : Optional.of(f);
        }
        int brokers = admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS).size();
        return Optional.of((short) Math.max(1, Math.min(3, brokers)));
    }

    private void verify(List<TopicSpec> specs, List<String> verified, List<TopicReport.Mismatch> mismatched)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (specs.isEmpty()) {
            return;
        }
        List<String> names = specs.stream().map(TopicSpec::name).toList();
        Map<String, TopicDescription> descriptions = untilKnown(() -> admin.describeTopics(names).allTopicNames()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        List<ConfigResource> resources = names.stream()
                .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
        Map<ConfigResource, Config> configs = untilKnown(() -> admin.describeConfigs(resources).all()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        for (TopicSpec spec : specs) {
            List<String> problems = new ArrayList<>();
            int partitions = descriptions.get(spec.name()).partitions().size();
            if (partitions < spec.partitions()) {
                problems.add("has " + partitions + " partitions, needs at least " + spec.partitions());
            }
            ConfigEntry policyEntry = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, spec.name()))
                    .get(TopicConfig.CLEANUP_POLICY_CONFIG);
            String policy = policyEntry == null ? TopicConfig.CLEANUP_POLICY_DELETE : policyEntry.value();
            if (!policies(policy).equals(Set.of(spec.cleanupPolicy()))) {
                problems.add("has cleanup.policy=" + policy + ", needs " + spec.cleanupPolicy());
            }
            if (problems.isEmpty()) {
                verified.add(spec.name());
            } else {
                mismatched.add(new TopicReport.Mismatch(spec.name(), String.join("; ", problems)));
            }
        }
    }

    /** An Admin call that may run before a just-created topic has reached the broker's metadata. */
    private interface AdminCall<T> {
        T call() throws InterruptedException, ExecutionException, TimeoutException;
    }

    /**
     * Retries while the broker says the topic does not exist: a topic created a moment ago (by us,
     * or by whoever made createTopics answer "exists") is listed before every broker can describe it.
     */
    private <T> T untilKnown(AdminCall<T> call) throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                return call.call();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(METADATA_RETRY_MS);
            }
        }
    }

    private static Set<String> policies(String value) {
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
