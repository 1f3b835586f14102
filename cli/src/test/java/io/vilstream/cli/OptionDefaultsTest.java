package io.vilstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.vilstream.runtime.config.CommonConfig;
import io.vilstream.runtime.config.ConfigSources;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** Options and configuration keys share one environment naming rule, and no option's variable reaches a client. */
class OptionDefaultsTest {

    private static OptionSpec option(String name) {
        return OptionSpec.builder(name).type(String.class).build();
    }

    @Test
    void anOptionThatSetsAKeyReadsTheKeysVariableOnly() {
        OptionDefaults env = OptionDefaults.fromEnvironment(new String[0], Map.of(
                "VILSTREAM_BOOTSTRAP_SERVERS", "k:9092", "VILSTREAM_BOOTSTRAP", "old:1",
                "VILSTREAM_SCHEMA_REGISTRY_URL", "http://r", "VILSTREAM_TOPICS_PARTITIONS", "12",
                "VILSTREAM_KAFKA_PORT", "19092"));
        assertThat(env.defaultValue(option("--bootstrap"))).isEqualTo("k:9092");
        assertThat(env.defaultValue(option("--registry"))).isEqualTo("http://r");
        assertThat(env.defaultValue(option("--partitions"))).isEqualTo("12");
        assertThat(env.defaultValue(option("--kafka-port"))).isEqualTo("19092");
        assertThat(OptionDefaults.fromEnvironment(new String[0], Map.of("VILSTREAM_BOOTSTRAP", "old:1"))
                .defaultValue(option("--bootstrap"))).isNull();
    }

    @Test
    void theFileUsesTheKeyForKeyOptionsAndTheOptionNameOtherwise(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("v.properties");
        Files.writeString(file, "bootstrap.servers=f:9092\nkafka-port=9999\n");
        OptionDefaults fromFile = OptionDefaults.fromEnvironment(new String[] {"--config", file.toString()}, Map.of());
        assertThat(fromFile.defaultValue(option("--bootstrap"))).isEqualTo("f:9092");
        assertThat(fromFile.defaultValue(option("--kafka-port"))).isEqualTo("9999");
    }

    @Test
    void noOptionVariableReachesAKafkaOrRegistryClientOrAnotherKey() {
        ConfigDef service = CommonConfig.define(new ConfigDef(), 9400);
        Map<String, String> seen = new HashMap<>();
        List<String> problems = new ArrayList<>();
        walk(new CommandLine(new Vilstream()), spec -> {
            String name = spec.longestName().substring(2);
            String variable = OptionDefaults.variable(name);
            String other = seen.putIfAbsent(variable, name);
            if (other != null && !other.equals(name)) {
                problems.add("--" + other + " and --" + name + " share " + variable);
            }
            Map<String, Object> merged = ConfigSources.merge(service, null, Map.of(variable, "x"), null);
            String own = OptionDefaults.OPTION_KEYS.get(name);
            merged.keySet().stream().filter(k -> !k.equals(own))
                    .forEach(k -> problems.add(variable + " (--" + name + ") also sets " + k));
        });
        assertThat(seen).containsKeys("VILSTREAM_KAFKA_PORT", "VILSTREAM_REGISTRY_PORT", "VILSTREAM_BOOTSTRAP_SERVERS");
        assertThat(problems).isEmpty();
    }

    private static void walk(CommandLine cmd, java.util.function.Consumer<OptionSpec> each) {
        cmd.getCommandSpec().options().stream()
                .filter(o -> o.longestName().startsWith("--") && !o.usageHelp() && !o.versionHelp())
                .forEach(each);
        cmd.getSubcommands().values().forEach(sub -> walk(sub, each));
    }
}
