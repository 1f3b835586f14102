package io.vilstream.cli.commands;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.vilstream.schemas.registry.server.EmbeddedSchemaRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vilstream registry}: the Confluent-compatible schema registry against any Kafka. */
@Command(name = "registry", mixinStandardHelpOptions = true,
        description = "Runs the schema registry (Confluent REST API, schemas stored in the compacted _schemas topic) against any Kafka cluster.")
public final class RegistryCommand implements Callable<Integer> {

    @Option(names = "--bootstrap", required = true, description = "Kafka bootstrap servers, HOST:PORT[,...]. Env: VILSTREAM_BOOTSTRAP_SERVERS.")
    String bootstrap;

    @Option(names = "--port", defaultValue = "8081", description = "HTTP port (default ${DEFAULT-VALUE}). Env: VILSTREAM_PORT.")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Bind address (default ${DEFAULT-VALUE}; 0.0.0.0 in containers). Env: VILSTREAM_HOST.")
    String host;

    @Option(names = "--topic", defaultValue = "_schemas", description = "Storage topic (default ${DEFAULT-VALUE}).")
    String topic;

    @Override
    public Integer call() throws Exception {
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.builder()
                .bootstrapServers(bootstrap).host(host).port(port).topic(topic).build().start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            registry.close();
            stopped.countDown();
        }, "registry-shutdown"));
        System.out.printf("Schema registry:  %s (storage topic %s on %s)%n", registry.url(), topic, bootstrap);
        System.out.flush();
        stopped.await();
        return 0;
    }
}
