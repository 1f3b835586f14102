package io.vilstream.runtime.config;

import java.util.HashMap;
import java.util.Map;

import io.vilstream.runtime.kafka.KafkaSettings;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * The configuration keys every vilstream service shares, declared once: where Kafka and the
 * schema registry are, which model lineage to serve or train, the model's seed (version 0 is
 * rebuilt from it), and where the ops endpoint listens. Pass-through keys: {@code kafka.*} go to
 * every Kafka client (SASL/TLS), {@code registry.*} to the serdes (registry credentials), and
 * {@code topics.*} rename topics ({@code topics.prefix}, {@code topics.content}, ...).
 */
public final class CommonConfig {

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String MODEL_NAME = "model.name";
    public static final String MODEL_SEED = "model.seed";
    public static final String MODEL_PRESET = "model.preset";
    /** The names ModelConfig.preset resolves (model module; a test there keeps the two lists equal). */
    public static final java.util.List<String> MODEL_PRESETS =
            java.util.List.of("default", "hashed", "minilm", "minilm-adapter", "minilm-linear", "minilm-mobilenet", "tiny");
    public static final String METRICS_HOST = "metrics.host";
    public static final String METRICS_PORT = "metrics.port";

    /** Client property prefix: {@code kafka.security.protocol=SASL_SSL} → {@code security.protocol}. */
    public static final String KAFKA_PREFIX = "kafka.";
    /** Serde property prefix: {@code registry.basic.auth.user.info=u:p} → {@code basic.auth.user.info}. */
    public static final String REGISTRY_PREFIX = "registry.";

    private CommonConfig() {
    }

    /** Adds the shared keys to a service's ConfigDef. */
    public static ConfigDef define(ConfigDef def, int defaultMetricsPort) {
        return def
                .define(BOOTSTRAP_SERVERS, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString() {
                    @Override
                    public void ensureValid(String name, Object value) {
                        if (value == null || ((java.util.List<?>) value).isEmpty()) {
                            throw new org.apache.kafka.common.config.ConfigException(name, value, "at least one HOST:PORT is needed");
                        }
                    }

                    @Override
                    public String toString() {
                        return "HOST:PORT[,HOST:PORT...]";
                    }
                }, Importance.HIGH, "Kafka bootstrap servers.")
                .define(SCHEMA_REGISTRY_URL, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
                        Importance.HIGH, "Schema registry URL(s), comma-separated (Confluent REST API); mock://scope for tests.")
                .define(MODEL_NAME, Type.STRING, "vilstream-dual", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                        "The model lineage (key of its versions on the model topics).")
                .define(MODEL_PRESET, Type.STRING, "default", ConfigDef.ValidString.in(MODEL_PRESETS.toArray(String[]::new)),
                        Importance.MEDIUM, "Architecture of version 0, which every service rebuilds until a version is published "
                                + "(later versions carry theirs in the checkpoint): default (= minilm-mobilenet), minilm-mobilenet "
                                + "(frozen all-MiniLM-L6-v2 text side, and frozen MobileNetV2 features beside the trained image CNN), "
                                + "minilm (the text side alone pretrained, LiT), minilm-adapter, minilm-linear, hashed (text tower "
                                + "trained from scratch), or tiny (tests); keep it equal everywhere.")
                .define(MODEL_SEED, Type.LONG, 42L, Importance.LOW,
                        "Seed of version 0: every service rebuilds the same initial model from it; keep it equal everywhere.")
                .define(METRICS_HOST, Type.STRING, "127.0.0.1", Importance.LOW,
                        "Bind address of the /metrics and /health endpoint (0.0.0.0 in containers).")
                .define(METRICS_PORT, Type.INT, defaultMetricsPort, ConfigDef.Range.between(0, 65535), Importance.LOW,
                        "Port of the /metrics and /health endpoint (0 = any free port).");
    }

    /** The Kafka and registry connection of a parsed config (pass-through keys from its originals). */
    public static KafkaSettings kafkaSettings(AbstractConfig config) {
        Map<String, Object> originals = new HashMap<>(config.originals());
        return new KafkaSettings(String.join(",", config.getList(BOOTSTRAP_SERVERS)), config.getString(SCHEMA_REGISTRY_URL),
                ConfigSources.withPrefix(originals, KAFKA_PREFIX), ConfigSources.withPrefix(originals, REGISTRY_PREFIX));
    }
}
