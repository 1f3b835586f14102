package io.vilstream.retriever.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vilstream.model.config.ModelConfig;
import io.vilstream.model.image.ImageDecoder;
import io.vilstream.model.towers.DualEncoder;
import io.vilstream.retriever.RetrieverConfig;
import io.vilstream.retriever.catalog.ContentCatalog;
import io.vilstream.retriever.index.ExactIndex;
import io.vilstream.retriever.metrics.RetrieverMetrics;
import io.vilstream.retriever.search.Searcher;
import io.vilstream.retriever.testing.Http;
import io.vilstream.retriever.versions.ServingPolicy;
import io.vilstream.retriever.versions.VersionedIndexes;
import io.vilstream.runtime.http.ExchangeWatchdog.Phase;
import io.vilstream.runtime.http.HealthCheck;
import io.vilstream.runtime.http.OpsServer;
import io.vilstream.runtime.metrics.Metrics;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 13's slowloris, against the retriever's real API on a server configured from
 * {@link RetrieverConfig} (loopback only): 12 uploads send their headers and 4 bytes of a
 * 100,000-byte body and stall, more than the API has threads. {@code /health} and
 * {@code /metrics} answer while they hold every API thread, {@code /v1/status} answers once the
 * body timeout frees them, and the server closes every stalled connection.
 */
class SlowClientsApiTest {

    static final int API_THREADS = 4;
    static final Duration BODY_TIMEOUT = Duration.ofSeconds(4);

    OpsServer server;
    VersionedIndexes versions;
    final List<Socket> stalled = new ArrayList<>();

    @AfterEach
    void stop() throws IOException {
        for (Socket s : stalled) {
            s.close();
        }
        if (server != null) {
            server.close();
        }
        if (versions != null) {
            versions.close();
        }
    }

    @Test
    void stalledUploadsNeitherFailTheProbeNorBlockTheApiAndAreClosedAtTheBodyTimeout() throws Exception {
        Map<String, String> settings = new HashMap<>(Map.of("bootstrap.servers", "127.0.0.1:9092",
                "schema.registry.url", "http://127.0.0.1:8081"));
        settings.put(RetrieverConfig.HTTP_THREADS, String.valueOf(API_THREADS));
        settings.put(RetrieverConfig.HTTP_BODY_TIMEOUT_MS, String.valueOf(BODY_TIMEOUT.toMillis()));
        RetrieverConfig config = new RetrieverConfig(settings);

        versions = new VersionedIndexes(ModelConfig.DEFAULT_NAME, ExactIndex::new, 3, new ServingPolicy(true),
                v -> DualEncoder.initial(ModelConfig.tiny(), 5), new ImageDecoder.Limits(1 << 20, 1 << 20), Clock.systemUTC());
        ContentCatalog catalog = new ContentCatalog(10, 1 << 20, 1 << 16);
        PrometheusMeterRegistry registry = Metrics.newRegistry("retriever-slow-test");
        server = OpsServer.start("127.0.0.1", 0, registry, config.serverLimits());
        server.addHealthCheck("process", () -> HealthCheck.Status.up("alive"));
        new RetrieverApi(new Searcher(() -> versions.served().orElse(null), versions::lastDecision), versions, catalog,
                config.apiLimits(), new RetrieverMetrics(registry, versions, catalog), Map::of).install(server);
        Http http = new Http(server.url());

        for (int i = 0; i < 12; i++) {
            Socket s = new Socket();
            s.connect(new InetSocketAddress("127.0.0.1", server.port()));
            s.getOutputStream().write(("POST /v1/search/image HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\n"
                    + "Content-Length: 100000\r\n\r\n\u0089PNG").getBytes(StandardCharsets.ISO_8859_1));
            stalled.add(s);
        }

        // the probe's routes answer from the connection threads, whatever the API threads do
        assertThat(http.get("/health").status()).isEqualTo(200);
        assertThat(http.get("/metrics").status()).isEqualTo(200);
        // a cheap API route answers once the body timeout has closed the stalled uploads (queued
        // ones past their deadline are closed as soon as a thread takes them)
        long t0 = System.nanoTime();
        Http.Response status = http.get("/v1/status");
        assertThat(status.status()).isEqualTo(200);
        assertThat(status.json().has("versions")).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(BODY_TIMEOUT.plusSeconds(5));

        for (Socket s : stalled) {
            assertThat(closedByServer(s, Duration.ofSeconds(15))).as("closed by the server").isTrue();
        }
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> server.server().timedOut(Phase.BODY) == 12);
        assertThat(http.get("/metrics").text()).contains("vilstream_http_timeouts_total{")
                .containsPattern("phase=\"body\".*\\} 12\\.0");
    }

    /** True when the server closes the connection (end of stream or reset) within the bound. */
    static boolean closedByServer(Socket s, Duration within) throws IOException {
        s.setSoTimeout((int) within.toMillis());
        InputStream in = s.getInputStream();
        try {
            while (in.read() >= 0) {
                // a response would be a bug too, but the point is the close
            }
            return true;
        } catch (SocketException reset) {
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        }
    }
}
