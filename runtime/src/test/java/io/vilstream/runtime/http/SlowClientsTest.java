package io.vilstream.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Slowloris against the ops server with an API route (loopback only): 12 uploads that send
 * their headers and 4 bytes of a 100,000-byte body and stall, and 3 requests that stall inside
 * their headers. /health answers while every worker is held, a cheap API route answers once
 * the body timeout frees the workers, and the server closes every stalled connection.
 */
class SlowClientsTest {

    static final Duration HEADER_TIMEOUT = Duration.ofSeconds(3);
    static final Duration BODY_TIMEOUT = Duration.ofSeconds(4);
    static final int WORKERS = 4;
    static final ServerLimits LIMITS = new ServerLimits(8, WORKERS, 64, HEADER_TIMEOUT, BODY_TIMEOUT,
            Duration.ofSeconds(5));

    OpsServer ops;
    final AtomicInteger uploadsReading = new AtomicInteger();
    final List<Socket> stalled = new ArrayList<>();
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws IOException {
        ops = OpsServer.start("127.0.0.1", 0, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), LIMITS);
        ops.addHealthCheck("test", () -> HealthCheck.Status.up("fine"));
        ErrorMapping errors = new ErrorMapping(new ErrorFormat() {
            @Override
            public Object body(HttpException error) {
                return java.util.Map.of("error", error.getMessage());
            }

            @Override
            public HttpException internalError() {
                return new HttpException(500, "internal error");
            }
        });
        ops.route("/v1/upload", errors.guard(ex -> {
            uploadsReading.incrementAndGet();
            byte[] body = BodyReader.read(ex, 200_000, "upload");
            ResponseWriter.send(ex, 200, "text/plain", ("got " + body.length).getBytes(StandardCharsets.UTF_8));
        }));
        ops.route("/v1/status", errors.guard(ex -> ResponseWriter.send(ex, 200, "application/json",
                "{}".getBytes(StandardCharsets.UTF_8))));
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket s : stalled) {
            s.close();
        }
        ops.close();
    }

    @Test
    void stalledClientsNeitherBlockHealthNorTheApiAndAreClosedAtTheirTimeout() throws Exception {
        for (int i = 0; i < 12; i++) {
            stalled.add(stall("POST /v1/upload HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\n"
                    + "Content-Length: 100000\r\n\r\nPNG!"));
        }
        for (int i = 0; i < 3; i++) {
            stalled.add(stall("GET /v1/status HTTP/1.1\r\nHost: x\r\nAccept: */"));
        }
        waitFor(Duration.ofSeconds(10), () -> uploadsReading.get() >= WORKERS);

        // every worker is held by a stalled upload: /health answers from the connection threads
        HttpResponse<String> health = get("/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(ops.server().timedOut(ExchangeWatchdog.Phase.BODY))
                .as("/health answered while the stalled uploads still held the workers").isZero();
        assertThat(get("/metrics").statusCode()).isEqualTo(200);

        // the API answers once the body timeout has freed the workers (queued stallers that are
        // past their deadline are closed as soon as a worker takes them)
        long t0 = System.nanoTime();
        assertThat(get("/v1/status").statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(BODY_TIMEOUT.plusSeconds(5));

        // and every stalled connection was closed by the server, not by us
        for (Socket s : stalled) {
            assertThat(closedByServer(s, Duration.ofSeconds(15))).as("closed by the server").isTrue();
        }
        assertThat(ops.server().timedOut(ExchangeWatchdog.Phase.BODY)).isEqualTo(12);
        assertThat(ops.server().timedOut(ExchangeWatchdog.Phase.HEADERS)).isEqualTo(3);
        assertThat(get("/metrics").body()).contains("vilstream_http_timeouts_total{phase=\"body\"} 12.0");
    }

    @Test
    void aFullWorkerQueueIsA503NotAWait() throws Exception {
        try (OpsServer tiny = OpsServer.start("127.0.0.1", 0, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                new ServerLimits(4, 1, 0, HEADER_TIMEOUT, Duration.ofSeconds(30), Duration.ofSeconds(5)))) {
            AtomicInteger reading = new AtomicInteger();
            tiny.route("/v1/upload", ex -> {
                reading.incrementAndGet();
                BodyReader.read(ex, 200_000, "upload");
            });
            Socket s = new Socket();
            s.connect(new InetSocketAddress("127.0.0.1", tiny.port()));
            stalled.add(s);
            s.getOutputStream().write(("POST /v1/upload HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nab")
                    .getBytes(StandardCharsets.US_ASCII));
            waitFor(Duration.ofSeconds(10), () -> reading.get() == 1);
            HttpResponse<String> busy = client.send(HttpRequest.newBuilder(URI.create(tiny.url() + "/v1/upload"))
                    .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(busy.statusCode()).isEqualTo(503);
            assertThat(busy.headers().firstValue("Retry-After")).contains("1");
        }
    }

    Socket stall(String partialRequest) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", ops.port()));
        s.getOutputStream().write(partialRequest.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return s;
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(ops.url() + path)).timeout(Duration.ofSeconds(15)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** True when the server closes the connection (end of stream or reset) within the bound. */
    static boolean closedByServer(Socket s, Duration within) throws IOException {
        s.setSoTimeout((int) within.toMillis());
        InputStream in = s.getInputStream();
        try {
            while (true) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (SocketException reset) {
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        }
    }

    static void waitFor(Duration bound, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("condition not met within %s", bound).isNegative();
            Thread.sleep(20); // polling a condition, not waiting a fixed time
        }
    }
}
