package io.vilstream.cli.commands;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.vilstream.cli.demo.Demo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vilstream demo}: the whole system on one machine. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Runs the whole system on this machine: a Kafka broker (KRaft) and schema registry, two encoder "
                + "instances, the online trainer and the retriever (web page on --retriever-port); streams the emoji "
                + "train split as content events and shows the model improving version by version on the test split.",
            "Stops after --duration seconds or on Ctrl-C, cleanly, with nothing left running."})
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--duration", defaultValue = "0", description = "Seconds to run; 0 = until Ctrl-C (default ${DEFAULT-VALUE}).")
    long duration;

    /** The summary written at the end (Demo writes it). */
    @Mixin
    JsonOutput json;

    @Option(names = "--data-dir", defaultValue = "data", description = "Where the broker and the encoders keep their state; a second run reuses it (default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--kafka-port", defaultValue = "9092", description = "Kafka port on 127.0.0.1 (default ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--registry-port", defaultValue = "8081", description = "Schema registry port (default ${DEFAULT-VALUE}).")
    int registryPort;

    @Option(names = "--retriever-port", defaultValue = "8080", description = "Retriever API and web page port (default ${DEFAULT-VALUE}).")
    int retrieverPort;

    @Option(names = "--ops-port-base", defaultValue = "9400", description = "Metrics/health ports: encoder 1 at BASE+1, encoder 2 at BASE+21, the trainer at BASE+2; 0 = any free ports (default ${DEFAULT-VALUE}).")
    int opsPortBase;

    @Option(names = "--dataset", defaultValue = "auto", description = "auto (the full emoji set, or the fixture with a notice when it cannot be fetched), emoji, or fixture (default ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--rate", defaultValue = "20", description = "Train-split content events per second (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--encoders", defaultValue = "2", description = "Encoder instances (default ${DEFAULT-VALUE}).")
    int encoders;

    @Option(names = "--bad-events", defaultValue = "3", description = "Malformed events to send, to show the DLQ (default ${DEFAULT-VALUE}).")
    int badEvents;

    @Option(names = {"--set", "-D"}, paramLabel = "KEY=VALUE", description = "A configuration key for the services (encoder.*, trainer.*, retriever.*).")
    Map<String, String> overrides = new HashMap<>();

    @Override
    public Integer call() throws Exception {
        if (!dataset.equals("auto") && !dataset.equals("emoji") && !dataset.equals("fixture")) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--dataset must be auto, emoji or fixture, got " + dataset);
        }
        CountDownLatch interrupted = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            interrupted.countDown();
            try {
                finished.await(); // keep the JVM until the demo has shut everything down
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "demo-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return new Demo(new Demo.Options(dataDir, kafkaPort, registryPort, retrieverPort, opsPortBase, dataset, rate, encoders,
                    badEvents, Duration.ofSeconds(duration), json.file(), overrides), System.out).run(interrupted);
        } finally {
            finished.countDown();
        }
    }
}
