package io.vilstream.schemas.topics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The vilstream topics as one deployment names and sizes them: the defaults of
 * {@link VilstreamTopic}, optionally renamed (a prefix for all, or a name per topic) and with a
 * default partition count for the per-item topics. Immutable; built once at start-up and passed
 * to every service so they agree on names.
 *
 * <pre>{@code
 * TopicSet topics = TopicSet.builder().prefix("staging.").partitions(8).build();
 * String content = topics.name(VilstreamTopic.CONTENT); // staging.vilstream.content.v1
 * }</pre>
 */
public final class TopicSet {

    public static final int DEFAULT_PARTITIONS = 4;

    private final Map<VilstreamTopic, TopicSpec> specs;

    private TopicSet(Map<VilstreamTopic, TopicSpec> specs) {
        this.specs = Collections.unmodifiableMap(new EnumMap<>(specs));
    }

    /** The default names, 4 partitions per item topic. */
    public static TopicSet defaults() {
        return builder().build();
    }

    /**
     * The topic set a service's configuration describes: {@code topics.prefix},
     * {@code topics.partitions} and {@code topics.<key>=<name>} overrides (keys as in
     * {@link VilstreamTopic#key()}); other keys are ignored.
     */
    public static TopicSet fromConfig(Map<String, ?> config) {
        Builder b = builder();
        Map<String, String> names = new java.util.HashMap<>();
        config.forEach((k, v) -> {
            if (!k.startsWith("topics.") || v == null) {
                return;
            }
            String key = k.substring("topics.".length());
            String value = v.toString().trim();
            switch (key) {
                case "prefix" -> b.prefix(value);
                case "partitions" -> b.partitions(Integer.parseInt(value));
                default -> names.put(key, value);
            }
        });
        return b.names(names).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public TopicSpec spec(VilstreamTopic topic) {
        return specs.get(topic);
    }

    public String name(VilstreamTopic topic) {
        return specs.get(topic).name();
    }

    /** Every topic, in contract order. */
    public List<TopicSpec> all() {
        return List.copyOf(specs.values());
    }

    @Override
    public String toString() {
        return specs.values().stream().map(s -> s.name() + "(" + s.partitions() + (s.compacted() ? ",compact" : "") + ")")
                .collect(Collectors.joining(", ", "TopicSet[", "]"));
    }

    /** Builder: everything optional. */
    public static final class Builder {
        private int partitions = DEFAULT_PARTITIONS;
        private String prefix = "";
        private final Map<VilstreamTopic, String> names = new EnumMap<>(VilstreamTopic.class);

        /** Partitions of the per-item topics (not of the single-partition model topics). */
        public Builder partitions(int partitions) {
            if (partitions < 1) {
                throw new IllegalArgumentException("partitions must be >= 1");
            }
            this.partitions = partitions;
            return this;
        }

        /** Prepended to every default name (not to names set explicitly). */
        public Builder prefix(String prefix) {
            this.prefix = Objects.requireNonNull(prefix);
            return this;
        }

        public Builder name(VilstreamTopic topic, String name) {
            names.put(Objects.requireNonNull(topic), Objects.requireNonNull(name));
            return this;
        }

        /** Names by key ({@code content}, {@code content.dlq}, ... see {@link VilstreamTopic#key()}). */
        public Builder names(Map<String, String> byKey) {
            byKey.forEach((key, name) -> name(VilstreamTopic.forKey(key).orElseThrow(() -> new IllegalArgumentException(
                    "unknown topic key '" + key + "'; known: " + Arrays.stream(VilstreamTopic.values())
                            .map(VilstreamTopic::key).collect(Collectors.joining(", ")))), name));
            return this;
        }

        public TopicSet build() {
            Map<VilstreamTopic, TopicSpec> specs = new EnumMap<>(VilstreamTopic.class);
            Map<String, VilstreamTopic> seen = new HashMap<>();
            List<String> clashes = new ArrayList<>();
            for (VilstreamTopic t : VilstreamTopic.values()) {
                String name = names.getOrDefault(t, prefix + t.defaultName());
                VilstreamTopic other = seen.put(name, t);
                if (other != null) {
                    clashes.add(name + " (" + other.key() + " and " + t.key() + ")");
                }
                specs.put(t, new TopicSpec(name, t.fixedPartitions().orElse(partitions), t.compacted(), t.extraConfigs()));
            }
            if (!clashes.isEmpty()) {
                throw new IllegalArgumentException("two roles share a topic name: " + clashes);
            }
            return new TopicSet(specs);
        }
    }
}
