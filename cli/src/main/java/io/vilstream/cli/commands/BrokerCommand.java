package io.vilstream.cli.commands;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.vilstream.cli.local.LocalCluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vilstream broker}: the embedded Kafka broker and schema registry in the foreground. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = {"Runs a real single-node Kafka broker (KRaft, child JVM) and the schema registry, creates the "
                + "vilstream topics, and waits for Ctrl-C / SIGTERM. Restarting on the same data directory keeps "
                + "topics, records and schema ids."})
public final class BrokerCommand implements Callable<Integer> {

    @Option(names = "--kafka-port", defaultValue = "9092", description = "Kafka listener port on 127.0.0.1 (default ${DEFAULT-VALUE}). Env: VILSTREAM_KAFKA_PORT.")
    int kafkaPort;

    @Option(names = "--registry-port", defaultValue = "8081", description = "Schema registry port on 127.0.0.1 (default ${DEFAULT-VALUE}). Env: VILSTREAM_REGISTRY_PORT.")
    int registryPort;

    @Option(names = "--data-dir", defaultValue = "data", description = "vilstream's data directory; the broker keeps its log in DIR/kafka (default ${DEFAULT-VALUE}). Env: VILSTREAM_DATA_DIR.")
    Path dataDir;

    @Option(names = "--partitions", defaultValue = "4", description = "Partitions of the partitioned vilstream topics (default ${DEFAULT-VALUE}). Env: VILSTREAM_TOPICS_PARTITIONS.")
    int partitions;

    @Option(names = "--broker-heap", defaultValue = "512m", description = "The broker JVM's -Xmx (default ${DEFAULT-VALUE}).")
    String brokerHeap;

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        LocalCluster cluster = LocalCluster.start(dataDir, kafkaPort, registryPort, partitions, brokerHeap);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Stopping the broker and the registry...");
            cluster.close();
            stopped.countDown();
        }, "broker-shutdown"));
        System.out.printf("Kafka bootstrap:  %s%n", cluster.bootstrapServers());
        System.out.printf("Schema registry:  %s%n", cluster.registryUrl());
        System.out.printf("Topics:           %s%n", cluster.topicReport().summary());
        System.out.printf("Ready in %.1f s (data in %s). Ctrl-C or SIGTERM stops both.%n",
                (System.nanoTime() - t0) / 1e9, dataDir.toAbsolutePath());
        System.out.flush();
        stopped.await();
        return 0;
    }
}
