package io.vilstream.cli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import io.vilstream.runtime.config.CommonConfig;
import io.vilstream.runtime.config.ConfigSources;
import picocli.CommandLine;

/**
 * picocli defaults from the environment and a properties file, under the one naming rule of
 * ConfigSources: an option that sets a configuration key reads that key's variable and file
 * key ({@code --bootstrap} → {@code VILSTREAM_BOOTSTRAP_SERVERS}, file {@code bootstrap.servers});
 * any other option reads {@code VILSTREAM_<OPTION>} and the file key {@code <option>}
 * ({@code --kafka-port} → {@code VILSTREAM_KAFKA_PORT}, file {@code kafka-port}). The file is
 * named by {@code --config FILE} anywhere on the command line, or {@code VILSTREAM_CONFIG}.
 */
final class OptionDefaults implements CommandLine.IDefaultValueProvider {

    /** Options that stand for a configuration key (the same setting has one variable). */
    static final Map<String, String> OPTION_KEYS = Map.of(
            "bootstrap", CommonConfig.BOOTSTRAP_SERVERS,
            "registry", CommonConfig.SCHEMA_REGISTRY_URL,
            "partitions", "topics.partitions",
            "prefix", "topics.prefix",
            "replication-factor", "topics.replication.factor");

    /** Variables earlier versions read, with their replacement: named on stderr instead of silently ignored. */
    static final Map<String, String> RENAMED = Map.of(
            "VILSTREAM_BOOTSTRAP", "VILSTREAM_BOOTSTRAP_SERVERS",
            "VILSTREAM_REGISTRY", "VILSTREAM_SCHEMA_REGISTRY_URL");

    private final Map<String, String> env;
    private final Map<String, String> file;

    private OptionDefaults(Map<String, String> env, Map<String, String> file) {
        this.env = env;
        this.file = file;
    }

    static OptionDefaults fromEnvironment(String[] args, Map<String, String> env) {
        String config = env.get("VILSTREAM_CONFIG");
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                config = args[i + 1];
            } else if (args[i].startsWith("--config=")) {
                config = args[i].substring("--config=".length());
            }
        }
        RENAMED.forEach((old, now) -> {
            if (env.containsKey(old) && !env.containsKey(now)) {
                System.err.println("vilstream: " + old + " is not read any more; set " + now);
            }
        });
        Map<String, String> values = config == null ? Map.of() : ConfigSources.fromFile(Path.of(config));
        return new OptionDefaults(Map.copyOf(env), new HashMap<>(values));
    }

    /** The variable an option (long name without dashes) reads. */
    static String variable(String option) {
        String key = OPTION_KEYS.get(option);
        return key != null ? ConfigSources.envName(key)
                : ConfigSources.ENV_PREFIX + option.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** The properties-file key an option (long name without dashes) reads. */
    static String fileKey(String option) {
        return OPTION_KEYS.getOrDefault(option, option);
    }

    @Override
    public String defaultValue(CommandLine.Model.ArgSpec argSpec) {
        if (!(argSpec instanceof CommandLine.Model.OptionSpec option) || option.longestName() == null
                || !option.longestName().startsWith("--")) {
            return null;
        }
        String name = option.longestName().substring(2);
        String fromEnv = env.get(variable(name));
        if (fromEnv != null) {
            return fromEnv;
        }
        String fromFile = file.get(fileKey(name));
        return fromFile != null ? fromFile : option.defaultValue();
    }
}
