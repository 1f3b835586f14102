package io.vilstream.schemas.topics;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.config.TopicConfig;

/**
 * The topics of the vilstream contract (README.md "Architecture in a few lines"), each with its default name, its
 * short key for configuration ({@code topics.<key>=<name>}), and its shape. Partition counts of
 * the per-item topics come from the {@link TopicSet}; the model topics have one partition so that
 * versions and their checkpoint chunks keep one order.
 */
public enum VilstreamTopic {

    /** Content events; compacted and never deleted: the source of truth for backfills. */
    CONTENT("content", "vilstream.content.v1", true, null,
            Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1")),
    /** Bad input with its reason in headers ({@link DlqHeaders}); kept 14 days. */
    CONTENT_DLQ("content.dlq", "vilstream.content.dlq.v1", false, null,
            Map.of(TopicConfig.RETENTION_MS_CONFIG, millis(Duration.ofDays(14)))),
    /** The latest image embedding per content id. */
    EMBEDDINGS_IMAGE("embeddings.image", "vilstream.embeddings.image.v1", true, null, Map.of()),
    /** The latest text embedding per content id. */
    EMBEDDINGS_TEXT("embeddings.text", "vilstream.embeddings.text.v1", true, null, Map.of()),
    /** The latest generated object tags per content id. */
    TAGS("tags", "vilstream.tags.v1", true, null, Map.of()),
    /** The trainer's queue of mined hard negatives; stale after a day. */
    HARD_NEGATIVES("hard-negatives", "vilstream.hard-negatives.v1", false, null,
            Map.of(TopicConfig.RETENTION_MS_CONFIG, millis(Duration.ofDays(1)))),
    /** The latest status of every model version. */
    MODEL_VERSIONS("model.versions", "vilstream.model.versions.v1", true, 1, Map.of()),
    /** Checkpoint chunks, written in the same transaction as their version record. */
    MODEL_CHECKPOINTS("model.checkpoints", "vilstream.model.checkpoints.v1", true, 1,
            Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(2 * 1024 * 1024)));

    private final String key;
    private final String defaultName;
    private final boolean compacted;
    private final Integer fixedPartitions;
    private final Map<String, String> configs;

    VilstreamTopic(String key, String defaultName, boolean compacted, Integer fixedPartitions,
                   Map<String, String> configs) {
        this.key = key;
        this.defaultName = defaultName;
        this.compacted = compacted;
        this.fixedPartitions = fixedPartitions;
        this.configs = configs;
    }

    /** The short key used in name-override maps, e.g. {@code content.dlq}. */
    public String key() {
        return key;
    }

    public String defaultName() {
        return defaultName;
    }

    public boolean compacted() {
        return compacted;
    }

    /** The partition count the topic must have whatever the set's default, if any. */
    public Optional<Integer> fixedPartitions() {
        return Optional.ofNullable(fixedPartitions);
    }

    public Map<String, String> extraConfigs() {
        return configs;
    }

    /** The topic for a key ({@code content.dlq}) or enum name ({@code CONTENT_DLQ}). */
    public static Optional<VilstreamTopic> forKey(String key) {
        for (VilstreamTopic t : values()) {
            if (t.key.equals(key) || t.name().equals(key)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    private static String millis(Duration d) {
        return String.valueOf(d.toMillis());
    }
}
