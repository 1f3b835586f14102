package io.vilstream.schemas.serde;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

import org.apache.avro.Schema;

/**
 * Confluent's subject naming: which registry subject a topic's keys or values are registered
 * under. Configured by the short name ({@code TopicNameStrategy}) or Confluent's class name
 * ({@code io.confluent.kafka.serializers.subject.TopicNameStrategy}), so existing client
 * configurations work unchanged.
 */
public enum SubjectNameStrategy {

    /** {@code <topic>-key} / {@code <topic>-value}: one schema lineage per topic (the default). */
    TOPIC_NAME("TopicNameStrategy") {
        @Override
        public String subject(String topic, boolean isKey, Schema schema) {
            return requireTopic(topic) + (isKey ? "-key" : "-value");
        }
    },
    /** The record's full name: one lineage per record type, across topics. */
    RECORD_NAME("RecordNameStrategy") {
        @Override
        public String subject(String topic, boolean isKey, Schema schema) {
            return schema.getFullName();
        }
    },
    /** {@code <topic>-<record full name>}: several record types per topic, each with its own lineage. */
    TOPIC_RECORD_NAME("TopicRecordNameStrategy") {
        @Override
        public String subject(String topic, boolean isKey, Schema schema) {
            return requireTopic(topic) + "-" + schema.getFullName();
        }
    };

    /** Where Confluent's implementations live; their class names are accepted as aliases. */
    public static final String CONFLUENT_PACKAGE = "io.confluent.kafka.serializers.subject.";

    private final String shortName;

    SubjectNameStrategy(String shortName) {
        this.shortName = shortName;
    }

    public abstract String subject(String topic, boolean isKey, Schema schema);

    public String shortName() {
        return shortName;
    }

    /** Accepts the short name, Confluent's class name, or the enum constant's name. */
    public static Optional<SubjectNameStrategy> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String n = name.trim();
        if (n.startsWith(CONFLUENT_PACKAGE)) {
            n = n.substring(CONFLUENT_PACKAGE.length());
        }
        for (SubjectNameStrategy s : values()) {
            if (s.shortName.equals(n) || s.name().equals(n)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** The accepted names, for error messages and docs. */
    public static String names() {
        return Arrays.stream(values()).map(s -> s.shortName + " (or " + CONFLUENT_PACKAGE + s.shortName + ")")
                .collect(Collectors.joining(", "));
    }

    private static String requireTopic(String topic) {
        if (topic == null) {
            throw new IllegalArgumentException("the topic name is needed to name the subject; "
                    + "use RecordNameStrategy to serialize without a topic");
        }
        return topic;
    }
}
