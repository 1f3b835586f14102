package io.vilstream.cli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import io.vilstream.runtime.config.ConfigSources;
import picocli.CommandLine;

/**
 * picocli defaults from the environment and a properties file: option {@code --kafka-port}
 * reads {@code VILSTREAM_KAFKA_PORT}, then the file key {@code kafka-port}. The file is named by
 * {@code --config FILE} anywhere on the command line, or {@code VILSTREAM_CONFIG}.
 */
final class OptionDefaults implements CommandLine.IDefaultValueProvider {

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
        Map<String, String> values = config == null ? Map.of() : ConfigSources.fromFile(Path.of(config));
        return new OptionDefaults(Map.copyOf(env), new HashMap<>(values));
    }

    @Override
    public String defaultValue(CommandLine.Model.ArgSpec argSpec) {
        if (!(argSpec instanceof CommandLine.Model.OptionSpec option) || option.longestName() == null
                || !option.longestName().startsWith("--")) {
            return null;
        }
        String name = option.longestName().substring(2);
        String fromEnv = env.get("VILSTREAM_" + name.toUpperCase(Locale.ROOT).replace('-', '_'));
        if (fromEnv != null) {
            return fromEnv;
        }
        String fromFile = file.get(name);
        return fromFile != null ? fromFile : option.defaultValue();
    }
}
