package io.vilstream.embedded;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an {@link EmbeddedKafkaBroker} in a child JVM (the CLI's broker): its own heap, its own
 * log file ({@code DATA_DIR/broker.log}), stopped with SIGTERM, and gone by itself when this
 * process dies. The classpath is this JVM's own, so the child needs no installation.
 */
public final class ChildKafkaBroker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ChildKafkaBroker.class);

    private final Process process;
    private final String bootstrapServers;

    private ChildKafkaBroker(Process process, String bootstrapServers) {
        this.process = process;
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * Starts the child and waits until it is ready.
     *
     * @param heap the child's {@code -Xmx}, e.g. {@code 512m}
     */
    public static ChildKafkaBroker start(Path dataDir, int port, int controllerPort, String heap,
                                         long timeout, TimeUnit unit) {
        try {
            Files.createDirectories(dataDir);
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            List<String> cmd = new ArrayList<>(List.of(java.toString(), "-Xmx" + heap,
                    "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                    EmbeddedKafkaMain.class.getName(), "--port", String.valueOf(port),
                    "--data-dir", dataDir.toAbsolutePath().toString()));
            if (controllerPort > 0) {
                cmd.add("--controller-port");
                cmd.add(String.valueOf(controllerPort));
            }
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            CompletableFuture<String> ready = new CompletableFuture<>();
            Path logFile = dataDir.resolve("broker.log");
            Thread pump = new Thread(() -> pumpOutput(p, logFile, ready), "broker-log");
            pump.setDaemon(true);
            pump.start();
            try {
                String bootstrap = ready.get(timeout, unit);
                log.info("Kafka broker (pid {}) ready on {}; log in {}", p.pid(), bootstrap, logFile);
                return new ChildKafkaBroker(p, bootstrap);
            } catch (TimeoutException | ExecutionException e) {
                p.destroyForcibly();
                throw new IllegalStateException("the Kafka broker did not start; see " + logFile, e);
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting the Kafka broker", e);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Kafka broker", e);
        }
    }

    private static void pumpOutput(Process p, Path logFile, CompletableFuture<String> ready) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter out = new PrintWriter(Files.newBufferedWriter(logFile, StandardCharsets.UTF_8,
                     StandardOpenOption.CREATE, StandardOpenOption.APPEND), true)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!ready.isDone() && line.startsWith(EmbeddedKafkaMain.READY)) {
                    ready.complete(line.substring(EmbeddedKafkaMain.READY.length()).trim());
                }
                out.println(line);
            }
        } catch (IOException e) {
            log.debug("broker output closed", e);
        }
        ready.completeExceptionally(new IllegalStateException("broker exited with code " + exitCode(p)));
    }

    private static String exitCode(Process p) {
        try {
            return String.valueOf(p.waitFor(5, TimeUnit.SECONDS) ? p.exitValue() : "unknown (still running)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM, then wait up to 60 s for a clean shutdown before killing it. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                log.warn("broker pid {} did not stop in 60 s; killing it", process.pid());
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
