package io.vilstream.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The environment naming rule: one variable, one key, derived from the key; pass-through only for real client properties. */
class ConfigSourcesTest {

    private static final ConfigDef DEF = CommonConfig.define(new ConfigDef(), 9400)
            .define("encoder.batch.size", ConfigDef.Type.INT, 32, ConfigDef.Importance.LOW, "batch");

    @Test
    void oneVariableSetsOneKey() {
        Map<String, Object> merged = ConfigSources.merge(DEF, null, Map.of(
                "VILSTREAM_BOOTSTRAP_SERVERS", "k:9092",
                "VILSTREAM_SCHEMA_REGISTRY_URL", "http://r:8081",
                "VILSTREAM_ENCODER_BATCH_SIZE", "8"), null);
        assertThat(merged).containsOnly(Map.entry("bootstrap.servers", "k:9092"),
                Map.entry("schema.registry.url", "http://r:8081"), Map.entry("encoder.batch.size", "8"));
    }

    @Test
    void everyKnownKeyHasItsOwnVariable() {
        for (String key : DEF.names()) {
            assertThat(ConfigSources.merge(DEF, null, Map.of(ConfigSources.envName(key), "v"), null))
                    .as(key).containsOnlyKeys(key);
        }
        for (String key : ConfigSources.TOPIC_KEYS) {
            assertThat(ConfigSources.merge(DEF, null, Map.of(ConfigSources.envName(key), "v"), null))
                    .as(key).containsOnlyKeys(key);
        }
    }

    @Test
    void topicKeysComeFromTheEnvironment() {
        Map<String, Object> merged = ConfigSources.merge(DEF, null, Map.of(
                "VILSTREAM_TOPICS_PREFIX", "staging.",
                "VILSTREAM_TOPICS_PARTITIONS", "12",
                "VILSTREAM_TOPICS_HARD_NEGATIVES", "hn",
                "VILSTREAM_TOPICS_MODEL_VERSIONS", "mv",
                // the topics Job's option, not a topic-set key: it must not become topics.replication.factor
                "VILSTREAM_TOPICS_REPLICATION_FACTOR", "3"), null);
        assertThat(merged).containsOnly(Map.entry("topics.prefix", "staging."), Map.entry("topics.partitions", "12"),
                Map.entry("topics.hard-negatives", "hn"), Map.entry("topics.model.versions", "mv"));
    }

    @Test
    void kafkaAndRegistryPassThroughTakeOnlyClientProperties() {
        Map<String, Object> merged = ConfigSources.merge(DEF, null, Map.of(
                "VILSTREAM_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "VILSTREAM_KAFKA_SASL_JAAS_CONFIG", "jaas",
                "VILSTREAM_KAFKA_PRODUCER_LINGER_MS", "5",
                "VILSTREAM_REGISTRY_BASIC_AUTH_USER_INFO", "u:p"), null);
        assertThat(merged).containsOnly(Map.entry("kafka.security.protocol", "SASL_SSL"),
                Map.entry("kafka.sasl.jaas.config", "jaas"), Map.entry("kafka.producer.linger.ms", "5"),
                Map.entry("registry.basic.auth.user.info", "u:p"));
    }

    @Test
    void cliOptionVariablesNeverReachAClient() {
        // the CLI's options --kafka-port, --registry-port, --port, --host, --data-dir, --partitions
        Map<String, Object> merged = ConfigSources.merge(DEF, null, Map.of(
                "VILSTREAM_KAFKA_PORT", "9092", "VILSTREAM_REGISTRY_PORT", "8081", "VILSTREAM_PORT", "1",
                "VILSTREAM_HOST", "0.0.0.0", "VILSTREAM_DATA_DIR", "d", "VILSTREAM_PARTITIONS", "4",
                "VILSTREAM_CONFIG", "f", "VILSTREAM_JAVA_OPTS", "-Xmx1g", "PATH", "/bin"), null);
        assertThat(merged).isEmpty();
    }

    @Test
    void flagsWinOverTheEnvironmentWhichWinsOverTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("c.properties");
        Files.writeString(file, "encoder.batch.size=1\nmodel.name=fromFile\nmodel.seed=1\n");
        Map<String, Object> merged = ConfigSources.merge(DEF, file,
                Map.of("VILSTREAM_MODEL_NAME", "fromEnv", "VILSTREAM_MODEL_SEED", "2"), Map.of("model.seed", "3"));
        assertThat(merged).containsEntry("encoder.batch.size", "1").containsEntry("model.name", "fromEnv")
                .containsEntry("model.seed", "3");
    }

    @Test
    void twoKeysWithOneVariableAreANamingBug() {
        assertThatThrownBy(() -> ConfigSources.fromEnvironment(List.of("a.b-c", "a.b.c"), Map.of()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("VILSTREAM_A_B_C");
    }
}
