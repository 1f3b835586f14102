package io.vilstream.trainer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The trainer in a child JVM ({@link TrainerApp} on the test class path), so a test can kill it
 * the way an OOM killer or a node failure does: SIGKILL, no shutdown hook, no producer close,
 * a transaction possibly open. Its output goes to a log file under target/.
 */
final class ChildTrainer implements AutoCloseable {

    private final Process process;
    private final Path log;

    private ChildTrainer(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static ChildTrainer start(Map<String, String> props, String name) throws IOException {
        Path log = Path.of("target", "child-" + name + ".log");
        Files.createDirectories(log.getParent());
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx384m");
        cmd.add("-Dai.djl.offline=true");
        cmd.add("-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.vilstream.schemas.avro");
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.add(TrainerApp.class.getName());
        props.forEach((k, v) -> cmd.add(k + "=" + v));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("DJL_OFFLINE", "true");
        pb.environment().put("OPT_OUT_TRACKING", "true");
        return new ChildTrainer(pb.start(), log);
    }

    /** Surefire may hand the test JVM a manifest-only jar; its real class path is in this property. */
    private static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: the JVM dies mid-whatever, like kill -9. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
