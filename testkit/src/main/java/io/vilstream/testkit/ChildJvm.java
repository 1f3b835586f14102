package io.vilstream.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A service's main class in a child JVM on the test class path, so a test can kill it the way
 * an OOM killer or a node failure does: SIGKILL, no shutdown hook, no producer close, a
 * transaction possibly open. The child gets the flags every vilstream JVM needs (DJL offline,
 * no usage tracking, the Vector API module, Avro's trusted packages); its output goes to a log.
 */
public final class ChildJvm implements AutoCloseable {

    private final Process process;
    private final Path log;

    private ChildJvm(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code main} with {@code args}; with a {@code readyLine}, waits until the child
     * prints a line starting with it (or fails with the child's log).
     */
    public static ChildJvm start(Class<?> main, String heap, List<String> args, Path log, String readyLine,
                                 Duration readyTimeout) throws IOException, InterruptedException {
        Files.createDirectories(log.toAbsolutePath().getParent());
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "--add-modules", "jdk.incubator.vector",
                "-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true",
                "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.vilstream.schemas.avro",
                "-cp", classPath(), main.getName()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("DJL_OFFLINE", "true");
        pb.environment().put("OPT_OUT_TRACKING", "true");
        ChildJvm child = new ChildJvm(pb.start(), log);
        if (readyLine != null) {
            child.awaitLine(readyLine, readyTimeout);
        }
        return child;
    }

    /** Surefire may hand the test JVM a manifest-only jar; its real class path is in this property. */
    private static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    private void awaitLine(String prefix, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.readAllLines(log).stream().anyMatch(l -> l.startsWith(prefix))) {
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("the child exited before it was ready; log:\n" + log());
            }
            Thread.sleep(100);
        }
        process.destroyForcibly();
        throw new IllegalStateException("the child was not ready within " + timeout + "; log:\n" + log());
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: the JVM dies mid-whatever, like kill -9. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    /** The last lines of the log, for assertion messages. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** SIGTERM, then SIGKILL if the child has not stopped within a minute. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }
}
