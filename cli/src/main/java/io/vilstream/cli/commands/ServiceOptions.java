package io.vilstream.cli.commands;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.vilstream.runtime.config.CommonConfig;
import io.vilstream.runtime.config.ConfigSources;
import org.apache.kafka.common.config.ConfigDef;
import picocli.CommandLine.Option;

/**
 * The options every service command shares, mapped onto the service's ConfigDef keys:
 * {@code --bootstrap} → {@code bootstrap.servers}, {@code --registry} → {@code schema.registry.url},
 * {@code --set KEY=VALUE} for any other key. Sources, lowest first: defaults, the properties file
 * ({@code --config}), environment (ConfigSources' rule: {@code VILSTREAM_<KEY>}, e.g.
 * {@code VILSTREAM_BOOTSTRAP_SERVERS}, which {@code --bootstrap} reads too), flags. The service's
 * ConfigDef then validates and names any bad key.
 */
public final class ServiceOptions {

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT[,...]", description = "Kafka bootstrap servers (key bootstrap.servers).")
    String bootstrap;

    @Option(names = "--registry", paramLabel = "URL", description = "Schema registry URL (key schema.registry.url).")
    String registry;

    @Option(names = {"--set", "-D"}, paramLabel = "KEY=VALUE", description = "Any configuration key (repeatable), e.g. --set encoder.batch.size=32.")
    Map<String, String> settings = new HashMap<>();

    /** The merged raw configuration for {@code def}. */
    public Map<String, Object> resolve(ConfigDef def, String configFile) {
        Map<String, Object> explicit = new HashMap<>(settings);
        if (bootstrap != null) {
            explicit.put(CommonConfig.BOOTSTRAP_SERVERS, bootstrap);
        }
        if (registry != null) {
            explicit.put(CommonConfig.SCHEMA_REGISTRY_URL, registry);
        }
        return ConfigSources.merge(def, configFile == null ? null : Path.of(configFile), System.getenv(), explicit);
    }
}
