package io.vilstream.schemas.topics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.apache.kafka.common.config.TopicConfig;

/**
 * The shape one topic must have: name, partitions, compacted or not, and further topic configs
 * (retention, max message size). {@link #configs()} includes the {@code cleanup.policy}.
 */
public record TopicSpec(String name, int partitions, boolean compacted, Map<String, String> extraConfigs) {

    public TopicSpec {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("topic name must not be blank");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1 for " + name);
        }
        extraConfigs = Map.copyOf(extraConfigs);
        if (extraConfigs.containsKey(TopicConfig.CLEANUP_POLICY_CONFIG)) {
            throw new IllegalArgumentException("set cleanup.policy through 'compacted', not extraConfigs, for " + name);
        }
    }

    /** {@code compact} or {@code delete}. */
    public String cleanupPolicy() {
        return compacted ? TopicConfig.CLEANUP_POLICY_COMPACT : TopicConfig.CLEANUP_POLICY_DELETE;
    }

    /** Every config to create the topic with, cleanup.policy included. */
    public Map<String, String> configs() {
        Map<String, String> all = new LinkedHashMap<>();
        all.put(TopicConfig.CLEANUP_POLICY_CONFIG, cleanupPolicy());
        all.putAll(extraConfigs);
        return all;
    }

    public TopicSpec withName(String newName) {
        return new TopicSpec(newName, partitions, compacted, extraConfigs);
    }

    public TopicSpec withPartitions(int newPartitions) {
        return new TopicSpec(name, newPartitions, compacted, extraConfigs);
    }
}
