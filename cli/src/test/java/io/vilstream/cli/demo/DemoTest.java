package io.vilstream.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main job end to end, small: {@code vilstream demo} on the committed fixture with the tiny
 * model — a child-JVM broker, the registry, two encoders, the trainer and the retriever in this
 * JVM — for about a minute. Everything produced is embedded or in the DLQ, nothing twice, the
 * trainer promotes at least one version that the demo evaluates, and the run ends cleanly.
 */
class DemoTest {

    @Test
    void theDemoOnTheFixtureAccountsForEveryEventAndPromotesAVersion(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("out.json");
        Demo.Options options = new Demo.Options(dir.resolve("data"), freePort(), freePort(), 0, 0, "fixture",
                20, 2, 3, Duration.ofSeconds(75), json, Map.of(
                        "model.preset", "tiny",
                        "trainer.batch.size", "16",
                        "trainer.gate.interval.steps", "25",
                        "trainer.gate.interval.ms", "15000",
                        "encoder.backfill.grace.ms", "2000"));
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        int exit;
        try (PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8)) {
            exit = new Demo(options, out).run(new CountDownLatch(1));
        }
        String printed = console.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(printed).isZero();
        assertThat(printed).contains("retriever: http://127.0.0.1:", "time is up: stopping...", "records: produced");

        JsonNode summary = new ObjectMapper().readTree(json.toFile());
        JsonNode records = summary.path("records");
        long produced = records.path("produced").asLong();
        assertThat(produced).as(printed).isEqualTo(33 + 3); // the fixture's emoji and the malformed events
        assertThat(records.path("embedded").asLong() + records.path("dlq").asLong()).as(printed).isEqualTo(produced);
        assertThat(records.path("dlq").asLong()).isEqualTo(3);
        assertThat(records.path("duplicates").asLong()).isZero();
        assertThat(summary.path("versions").size()).as("version 0 and at least one promoted version; " + printed)
                .isGreaterThanOrEqualTo(2);
        assertThat(summary.path("versions").get(0).path("version").asLong()).isZero();
        assertThat(summary.path("peak_rss_mb").asLong()).isPositive();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
