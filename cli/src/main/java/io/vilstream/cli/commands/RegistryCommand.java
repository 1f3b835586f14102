package io.vilstream.cli.commands;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.vilstream.runtime.config.CommonConfig;
import io.vilstream.runtime.config.ConfigSources;
import io.vilstream.schemas.registry.server.EmbeddedSchemaRegistry;
import org.apache.kafka.common.config.ConfigDef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code vilstream registry}: the Confluent-compatible schema registry against any Kafka, with the
 * services' {@code kafka.*} client settings (SASL/TLS) for its store and a {@code /health} probe.
 */
@Command(name = "registry", mixinStandardHelpOptions = true,
        description = "Runs the schema registry (Confluent REST API, schemas stored in the compacted _vilstream_schemas topic)"
                + " against any Kafka cluster. GET /health is 503 until the topic is replayed, then 200.")
public final class RegistryCommand implements Callable<Integer> {

    @ParentCommand
    io.vilstream.cli.Vilstream root;

    @Option(names = "--bootstrap", required = true, description = "Kafka bootstrap servers, HOST:PORT[,...]. Env: VILSTREAM_BOOTSTRAP_SERVERS.")
    String bootstrap;

    @Option(names = "--port", defaultValue = "8081", description = "HTTP port (default ${DEFAULT-VALUE}). Env: VILSTREAM_PORT.")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Bind address (default ${DEFAULT-VALUE}; 0.0.0.0 in containers). Env: VILSTREAM_HOST.")
    String host;

    // not Confluent's _schemas: the two registries' keys differ, and one cluster may run both
    @Option(names = "--topic", defaultValue = EmbeddedSchemaRegistry.DEFAULT_TOPIC,
            description = "Storage topic (default ${DEFAULT-VALUE}; a deployment that kept its schemas in _schemas sets it to _schemas). Env: VILSTREAM_TOPIC.")
    String topic;

    @Option(names = {"--set", "-D"}, paramLabel = "KEY=VALUE",
            description = "Kafka client settings of the store's admin, producer and consumer, e.g. --set kafka.security.protocol=SASL_SSL"
                    + " (env VILSTREAM_KAFKA_<PROPERTY>, or kafka.* keys in the --config file).")
    Map<String, String> settings = new HashMap<>();

    @Override
    public Integer call() throws Exception {
        String configFile = root == null ? null : root.configFile();
        // no keys of its own: only the pass-through kafka.* settings, from the file, the environment and --set
        Map<String, Object> merged = ConfigSources.merge(new ConfigDef(), configFile == null ? null : Path.of(configFile),
                System.getenv(), settings);
        EmbeddedSchemaRegistry.Builder builder = EmbeddedSchemaRegistry.builder()
                .bootstrapServers(bootstrap).host(host).port(port).topic(topic);
        ConfigSources.withPrefix(merged, CommonConfig.KAFKA_PREFIX).forEach((k, v) -> builder.kafkaProperty(k, String.valueOf(v)));
        EmbeddedSchemaRegistry registry = builder.build().startInBackground();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            registry.close();
            stopped.countDown();
        }, "registry-shutdown"));
        System.out.printf("Schema registry:  %s (storage topic %s on %s; %s/health is 503 until it has been replayed)%n",
                registry.url(), topic, bootstrap, registry.url());
        System.out.flush();
        try {
            registry.awaitReady();
        } catch (RuntimeException e) {
            System.err.println("vilstream registry: cannot start: " + e.getMessage());
            registry.close();
            return 1;
        }
        System.out.println("Schema registry ready.");
        System.out.flush();
        stopped.await();
        return 0;
    }
}
