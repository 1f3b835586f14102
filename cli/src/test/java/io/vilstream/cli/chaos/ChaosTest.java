package io.vilstream.cli.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short chaos profile {@code mvn verify} runs: 75 s of content on the tiny model with two
 * encoders and one fault of each kind but the broker restart (encoder kill -9, slow clients,
 * broker pause, trainer kill -9 during a publication, rollback), then up to 120 s to settle;
 * two and a half to three minutes on two cores. Every check must hold and the faults must have run.
 * {@code vilstream chaos} runs the long profile (three encoders, every kind, the broker restart).
 */
class ChaosTest {

    @Test
    void theSystemUnderEveryKindOfFaultLosesNothingDuplicatesNothingAndEndsOnThePromotedVersion(@TempDir Path dir)
            throws Exception {
        Path json = dir.resolve("chaos.json");
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(new TeeStream(captured, System.out), true, StandardCharsets.UTF_8);
        ChaosOptions options = new ChaosOptions(Duration.ofSeconds(75), 1, 5, dir, 4, java.util.EnumSet.allOf(FaultKind.class), "fixture", Duration.ofSeconds(120), 2,
                Duration.ofSeconds(10), json, Map.of("model.preset", "tiny"));

        int exit = new ChaosRun(options, out).run(new CountDownLatch(1));

        JsonNode summary = new ObjectMapper().readTree(json.toFile());
        assertThat(exit).as("exit code; output:%n%s", captured.toString(StandardCharsets.UTF_8)).isZero();
        List<String> checks = summary.get("checks").findValuesAsText("name");
        assertThat(checks).contains("every-record-accounted", "latest-content-last", "no-duplicates", "versions-monotonic",
                "tower-batch-within-limit", "encoders-on-promoted", "retriever-serves-promoted", "buffers-drained",
                "deleted-gone-from-index", "no-hanging-transactions");
        assertThat(summary.get("checks").findValuesAsText("outcome")).containsOnly("pass");
        assertThat(summary.get("convergence_s").isNumber()).as("seconds from the last fault to every check holding").isTrue();
        List<String> done = summary.get("faults").findParents("kind").stream()
                .filter(f -> f.get("outcome").asText().equals("done")).map(f -> f.get("kind").asText()).toList();
        assertThat(done).as("faults that ran").contains("encoder-kill", "slow-clients", "broker-pause", "trainer-kill",
                "rollback");
        assertThat(summary.get("produced").get("deletes").asLong()).isPositive();
        assertThat(summary.get("produced").get("updates").asLong()).isPositive();
    }

    /** Writes to the captured buffer and to the console, so a long test shows its progress. */
    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
