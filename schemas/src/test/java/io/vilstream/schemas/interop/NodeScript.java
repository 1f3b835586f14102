package io.vilstream.schemas.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs one of the interop scripts in the test's npm project with node and returns what it printed. */
final class NodeScript {

    private NodeScript() {
    }

    /** Runs {@code node script args…} in the npm project; fails the test on a non-zero exit or after 60 s. */
    static String run(String node, String script, Path work, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(node);
        command.add(script);
        command.addAll(List.of(args));
        Path stdout = work.resolve("node.out");
        Path stderr = work.resolve("node.err");
        Process process = new ProcessBuilder(command).directory(NodeInteropTest.NODE_PROJECT.toFile())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError("node " + script + " " + String.join(" ", args) + " did not finish within 60 s");
            }
        } finally {
            process.destroyForcibly();
        }
        String err = Files.readString(stderr);
        assertThat(process.exitValue()).as("node %s %s failed: %s", script, args[0], err).isZero();
        return Files.readString(stdout);
    }
}
