package io.vilstream.cli.commands;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.vilstream.cli.chaos.ChaosOptions;
import io.vilstream.cli.chaos.ChaosRun;
import io.vilstream.cli.chaos.FaultKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vilstream chaos}: the system on loopback under scheduled faults, then an independent check of its topics. */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = {"Runs broker, registry, encoders and trainer (child JVMs) and the retriever on 127.0.0.1, produces "
                + "content with updates, deletes and malformed events at a steady rate, and injects faults on a schedule: "
                + "encoder kill -9 and restart, broker SIGSTOP/SIGCONT past the client timeouts, broker restart, trainer "
                + "kill -9 during a publication, a concurrent model rollback, a burst of slow HTTP clients. Then it stops "
                + "producing and the trainer, and checks the topics read_committed: every record accounted for, no "
                + "duplicates, versions never going back except on a rollback, tower batches within the batch size, every "
                + "encoder and the retriever on the promoted version, nothing left buffered, deleted ids gone.",
            "Exit code 1 on any violation. Stops everything it started, also on Ctrl-C."})
public final class ChaosCommand implements Callable<Integer> {

    @Option(names = "--duration", defaultValue = "600", description = "Seconds of producing and faults (default ${DEFAULT-VALUE}).")
    long duration;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the content script and the fault order (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--rate", defaultValue = "10", description = "Content events per second (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--data-dir", defaultValue = "chaos-data", description = "Each run gets a fresh directory under it for broker data, "
            + "encoder state and service logs (default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--faults-per-minute", defaultValue = "2", description = "Fault density (default ${DEFAULT-VALUE}); every kind "
            + "comes once before any comes twice.")
    double faultsPerMinute;

    @Option(names = "--faults", split = ",", paramLabel = "KIND", description = "Only these kinds of fault, comma-separated "
            + "(default: all): encoder-kill, broker-pause, broker-restart, trainer-kill, rollback, slow-clients.")
    List<String> faultKinds = new ArrayList<>();

    @Option(names = "--dataset", defaultValue = "fixture", description = "fixture (committed, no fetch) or emoji (default ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--settle", defaultValue = "300", description = "Seconds the end state may take to satisfy the checks (default ${DEFAULT-VALUE}).")
    long settle;

    @Option(names = "--encoders", defaultValue = "3", description = "Encoder instances (default ${DEFAULT-VALUE}).")
    int encoders;

    @Option(names = "--pause", defaultValue = "12", description = "Seconds the broker stays SIGSTOPped; above the 8-s transaction "
            + "timeout the run configures (default ${DEFAULT-VALUE}).")
    long pause;

    @Mixin
    JsonOutput json;

    @Option(names = {"--set", "-D"}, paramLabel = "KEY=VALUE", description = "A configuration key for the services "
            + "(model.*, encoder.*, trainer.*, retriever.*), e.g. --set model.preset=tiny.")
    Map<String, String> overrides = new HashMap<>();

    @Override
    public Integer call() throws Exception {
        if (!dataset.equals("fixture") && !dataset.equals("emoji")) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--dataset must be fixture or emoji, got " + dataset);
        }
        Set<FaultKind> kinds = EnumSet.allOf(FaultKind.class);
        if (!faultKinds.isEmpty()) {
            kinds = EnumSet.noneOf(FaultKind.class);
            for (String id : faultKinds) {
                try {
                    kinds.add(FaultKind.byId(id));
                } catch (IllegalArgumentException e) {
                    throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--faults: " + e.getMessage());
                }
            }
        }
        CountDownLatch interrupted = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            interrupted.countDown();
            try {
                finished.await(); // keep the JVM until the run has stopped everything it started
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "chaos-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return new ChaosRun(new ChaosOptions(Duration.ofSeconds(duration), seed, rate, dataDir, faultsPerMinute, kinds, dataset,
                    Duration.ofSeconds(settle), encoders, Duration.ofSeconds(pause), json.file(), overrides), System.out)
                    .run(interrupted);
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running: it returns once finished is counted down
            }
        }
    }
}
