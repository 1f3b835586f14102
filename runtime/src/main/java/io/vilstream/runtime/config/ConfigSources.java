package io.vilstream.runtime.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Where a service's configuration comes from, lowest precedence first: the ConfigDef defaults,
 * a properties file, environment variables, then explicit values (command-line flags). A key
 * {@code encoder.batch.size} is read from the environment as {@code VILSTREAM_ENCODER_BATCH_SIZE}
 * (prefix, upper case, dots and dashes to underscores), the convention containers and
 * Kubernetes manifests use.
 *
 * <p>Only keys the ConfigDef declares are taken from the environment (so unrelated variables
 * never leak in); a properties file may also carry pass-through keys such as {@code kafka.*}.
 */
public final class ConfigSources {

    public static final String ENV_PREFIX = "VILSTREAM_";

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
        for (String key : def.names()) {
            String v = env.get(envName(key));
            if (v != null) {
                out.put(key, v);
            }
        }
        // pass-through properties from the environment: VILSTREAM_KAFKA_SASL_MECHANISM → kafka.sasl.mechanism
        // (every Kafka client), VILSTREAM_REGISTRY_BASIC_AUTH_USER_INFO → registry.basic.auth.user.info (serdes)
        env.forEach((k, v) -> {
            boolean passThrough = k.startsWith(ENV_PREFIX + "KAFKA_") || k.startsWith(ENV_PREFIX + "REGISTRY_");
            if (passThrough && !def.names().contains(keyOf(k))) {
                out.put(keyOf(k), v);
            }
        });
        if (explicit != null) {
            explicit.forEach((k, v) -> {
                if (v != null) {
                    out.put(k, v);
                }
            });
        }
        return out;
    }

    private static String keyOf(String envName) {
        return envName.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
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
