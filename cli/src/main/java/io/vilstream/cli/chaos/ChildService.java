package io.vilstream.cli.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A vilstream service ({@code encoder}, {@code trainer}) in a child JVM of the chaos run, so a
 * fault can be the real thing: SIGKILL with no shutdown hook and a transaction possibly open.
 * The child gets the flags every vilstream JVM needs and appends its output to one log per
 * service, so a restart's lines follow the killed run's.
 */
final class ChildService {

    private final String name;
    private final List<String> args;
    private final String heap;
    private final Path log;
    private final String readyLine;
    private volatile Process process;

    ChildService(String name, List<String> args, String heap, Path log, String readyLine) {
        this.name = name;
        this.args = List.copyOf(args);
        this.heap = heap;
        this.log = log;
        this.readyLine = readyLine;
    }

    String name() {
        return name;
    }

    Path log() {
        return log;
    }

    /** Starts the child (again) and waits until its log shows the ready line, or fails with its tail. */
    synchronized void start(Duration timeout) throws IOException, InterruptedException {
        Files.createDirectories(log.toAbsolutePath().getParent());
        long offset = Files.exists(log) ? Files.size(log) : 0;
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-XX:+UseSerialGC", "--add-modules", "jdk.incubator.vector",
                "-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true",
                "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.vilstream.schemas.avro",
                "-cp", System.getProperty("java.class.path"), ChildMain.class.getName()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("DJL_OFFLINE", "true");
        pb.environment().put("OPT_OUT_TRACKING", "true");
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        process = pb.start();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (logSince(offset).lines().anyMatch(l -> l.startsWith(readyLine))) {
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited (code " + process.exitValue() + ") before it was ready; "
                        + "log " + log + ":\n" + tail());
            }
            Thread.sleep(200);
        }
        process.destroyForcibly();
        throw new IllegalStateException(name + " was not ready within " + timeout + "; log " + log + ":\n" + tail());
    }

    private String logSince(long offset) throws IOException {
        byte[] all = Files.readAllBytes(log);
        return new String(all, (int) Math.min(offset, all.length), (int) Math.max(0, all.length - offset));
    }

    boolean isAlive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    long pid() {
        Process p = process;
        return p == null ? -1 : p.pid();
    }

    /** SIGKILL: the JVM dies mid-whatever, like kill -9 or the OOM killer. */
    void kill() throws InterruptedException {
        Process p = process;
        if (p != null) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** SIGTERM (the service's clean shutdown), then SIGKILL after {@code grace}. */
    void stop(Duration grace) throws InterruptedException {
        Process p = process;
        if (p != null && p.isAlive()) {
            p.destroy();
            if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /** The last lines of the log, for error messages. */
    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
