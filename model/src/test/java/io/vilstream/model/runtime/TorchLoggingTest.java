package io.vilstream.model.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * libtorch's own stderr warnings stay out of the console unless asked for. The child JVMs run
 * real convolutions; on CPUs NNPACK supports, libtorch prints nothing either way and the
 * comparison is skipped.
 */
class TorchLoggingTest {

    private static final String NNPACK = "Could not initialize NNPACK";

    @Test
    void levelComesFromThePropertyThenTheEnvironmentAndDefaultsToError() {
        assertThat(TorchLogging.level(null, Map.of())).isEqualTo(2);
        assertThat(TorchLogging.level(null, Map.of(TorchLogging.ENV, "warning"))).isEqualTo(1);
        assertThat(TorchLogging.level("INFO", Map.of(TorchLogging.ENV, "FATAL"))).isZero();
        assertThat(TorchLogging.level(null, Map.of(TorchLogging.ENV, "3"))).isEqualTo(3);
        assertThatThrownBy(() -> TorchLogging.level(null, Map.of(TorchLogging.ENV, "LOUD")))
                .hasMessageContaining(TorchLogging.ENV);
    }

    @Test
    void nnpackWarningsAreGoneOnceTheLevelIsSetAndBackOnRequest() throws Exception {
        // TORCH_CPP_LOG_LEVEL set in the child, to show it is no remedy for libtorch under DJL
        List<String> untouched = probe(Map.of("TORCH_CPP_LOG_LEVEL", "ERROR"), "raw");
        assumeTrue(count(untouched) > 0, "this CPU initialises NNPACK: libtorch prints no warning to hide");
        assertThat(count(untouched)).as("one warning per convolution").isEqualTo(3);

        List<String> quiet = probe(Map.of());
        assertThat(quiet).contains("PROBE DONE");
        assertThat(count(quiet)).isZero();

        List<String> optIn = probe(Map.of(TorchLogging.ENV, "WARNING"));
        assertThat(optIn).contains("PROBE DONE");
        assertThat(count(optIn)).isEqualTo(3);
    }

    private static long count(List<String> lines) {
        return lines.stream().filter(l -> l.contains(NNPACK)).count();
    }

    private static List<String> probe(Map<String, String> env, String... args) throws IOException, InterruptedException {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true", "-cp", cp, TorchConvProbe.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove(TorchLogging.ENV);
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(text).isZero();
        return text.lines().toList();
    }
}
