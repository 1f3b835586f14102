package io.vilstream.runtime.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Where a service's configuration comes from, lowest precedence first: the ConfigDef defaults,
 * a properties file, environment variables, then explicit values (command-line flags).
 *
 * <p>One naming rule for the environment: the variable of a key is {@code VILSTREAM_} + the key
 * in upper case with dots and dashes as underscores ({@code encoder.batch.size} →
 * {@code VILSTREAM_ENCODER_BATCH_SIZE}, {@code topics.hard-negatives} →
 * {@code VILSTREAM_TOPICS_HARD_NEGATIVES}), the convention containers and Kubernetes manifests
 * use. The mapping runs one way only, from the keys a service knows to their variables: the
 * ConfigDef's keys and the topic-set keys ({@link #TOPIC_KEYS}). An underscore cannot tell a dot
 * from a dash, so a variable is never turned back into a key, with one exception: the
 * pass-through prefixes, whose properties belong to other libraries. {@code VILSTREAM_KAFKA_X_Y}
 * becomes {@code kafka.x.y} only if {@code x.y} is a property of a Kafka producer, consumer or
 * admin client (optionally behind a Streams client prefix such as {@code producer.}), and
 * {@code VILSTREAM_REGISTRY_X_Y} becomes {@code registry.x.y} only if {@code x.y} is a serde
 * property ({@link #REGISTRY_PROPERTIES}). So a variable that means something else (the CLI's
 * {@code VILSTREAM_KAFKA_PORT} for {@code --kafka-port}) never reaches a client, and unrelated
 * variables never leak in. A properties file or {@code --set} may carry any key.
 */
public final class ConfigSources {

    public static final String ENV_PREFIX = "VILSTREAM_";

    /**
     * The topic-set keys (schemas' {@code TopicSet.fromConfig}: prefix, partitions and one name
     * per topic key of {@code VilstreamTopic}); a test in the schemas module keeps them equal.
     */
    public static final List<String> TOPIC_KEYS = List.of("topics.prefix", "topics.partitions", "topics.content",
            "topics.content.dlq", "topics.embeddings.image", "topics.embeddings.text", "topics.tags",
            "topics.hard-negatives", "topics.model.versions", "topics.model.checkpoints");

    /**
     * The serde properties {@code registry.*} passes through (schemas' {@code AvroSerdeConfig}
     * without the URL, which is a key of its own); a test in the schemas module keeps them equal.
     */
    public static final Set<String> REGISTRY_PROPERTIES = Set.of("auto.register.schemas", "use.latest.version",
            "latest.cache.ttl.sec", "basic.auth.credentials.source", "basic.auth.user.info", "key.subject.name.strategy",
            "value.subject.name.strategy", "http.connect.timeout.ms", "http.read.timeout.ms", "max.retries",
            "retries.wait.ms", "retries.max.wait.ms");

    /** Client prefixes Kafka Streams understands in front of a client property ({@code producer.linger.ms}). */
    private static final List<String> STREAMS_CLIENT_PREFIXES = List.of("main.consumer.", "restore.consumer.",
            "global.consumer.", "consumer.", "producer.", "admin.");

    private static final Set<String> KAFKA_CLIENT_PROPERTIES = kafkaClientProperties();

    private ConfigSources() {
    }

    /** The environment variable name of a config key. */
    public static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /**
     * Merges the sources for {@code def}.
     *
     * @param file     a properties file, or null
     * @param env      the environment (System.getenv() in production)
     * @param explicit values from flags; null values are ignored
     */
    public static Map<String, Object> merge(ConfigDef def, Path file, Map<String, String> env, Map<String, ?> explicit) {
        Map<String, Object> out = new HashMap<>();
        if (file != null) {
            fromFile(file).forEach(out::put);
        }
        out.putAll(fromEnvironment(def.names(), env));
        if (explicit != null) {
            explicit.forEach((k, v) -> {
                if (v != null) {
                    out.put(k, v);
                }
            });
        }
        return out;
    }

    /**
     * The keys the environment sets: each of {@code keys} and {@link #TOPIC_KEYS} from its own
     * variable, plus the pass-through client properties the clients define.
     *
     * @throws IllegalStateException when two known keys share a variable (a naming bug)
     */
    public static Map<String, String> fromEnvironment(Collection<String> keys, Map<String, String> env) {
        Map<String, String> keyOfVariable = new HashMap<>();
        for (String key : concat(keys, TOPIC_KEYS)) {
            String other = keyOfVariable.putIfAbsent(envName(key), key);
            if (other != null && !other.equals(key)) {
                throw new IllegalStateException("keys " + other + " and " + key + " share the variable " + envName(key));
            }
        }
        Map<String, String> out = new HashMap<>();
        env.forEach((variable, value) -> {
            String key = keyOfVariable.containsKey(variable) ? keyOfVariable.get(variable) : passThroughKey(variable);
            if (key != null) {
                out.put(key, value);
            }
        });
        return out;
    }

    /** {@code VILSTREAM_KAFKA_SASL_MECHANISM} → {@code kafka.sasl.mechanism} for a client property, else null. */
    static String passThroughKey(String variable) {
        String kafka = ENV_PREFIX + "KAFKA_";
        String registry = ENV_PREFIX + "REGISTRY_";
        if (variable.startsWith(kafka)) {
            String property = property(variable.substring(kafka.length()));
            return isKafkaClientProperty(property) ? CommonConfig.KAFKA_PREFIX + property : null;
        }
        if (variable.startsWith(registry)) {
            String property = property(variable.substring(registry.length()));
            return REGISTRY_PROPERTIES.contains(property) ? CommonConfig.REGISTRY_PREFIX + property : null;
        }
        return null;
    }

    private static String property(String variableTail) {
        return variableTail.toLowerCase(Locale.ROOT).replace('_', '.');
    }

    static boolean isKafkaClientProperty(String property) {
        if (KAFKA_CLIENT_PROPERTIES.contains(property)) {
            return true;
        }
        for (String prefix : STREAMS_CLIENT_PREFIXES) {
            if (property.startsWith(prefix) && KAFKA_CLIENT_PROPERTIES.contains(property.substring(prefix.length()))) {
                return true;
            }
        }
        return false;
    }

    private static Set<String> kafkaClientProperties() {
        Set<String> all = new HashSet<>(ProducerConfig.configNames());
        all.addAll(ConsumerConfig.configNames());
        all.addAll(AdminClientConfig.configNames());
        return Set.copyOf(all);
    }

    private static List<String> concat(Collection<String> a, Collection<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** Reads a properties file; a missing or unreadable file is a start-up error naming it. */
    public static Map<String, String> fromFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("config file " + file + " does not exist");
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read config file " + file, e);
        }
        Map<String, String> out = new HashMap<>();
        p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k).trim()));
        return out;
    }

    /** The entries under {@code prefix} with the prefix removed ({@code kafka.sasl.mechanism} → {@code sasl.mechanism}). */
    public static Map<String, Object> withPrefix(Map<String, ?> all, String prefix) {
        Map<String, Object> out = new HashMap<>();
        all.forEach((k, v) -> {
            if (k.startsWith(prefix) && k.length() > prefix.length()) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }
}
