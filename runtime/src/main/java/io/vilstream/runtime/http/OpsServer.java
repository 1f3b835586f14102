package io.vilstream.runtime.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The operations endpoint of a service: {@code GET /metrics} (Prometheus text format, from the
 * service's Micrometer registry), {@code GET /health} (200 when every check is up, else 503,
 * JSON body with each check) and any extra routes the service adds (the retriever's API), on
 * one port. Built on {@link GuardedHttpServer}: {@code /health} and {@code /metrics} answer on
 * the connection threads, the added routes on the worker pool, so a saturated or stalled API
 * never fails the liveness probe. Binds 127.0.0.1 unless told otherwise (containers bind
 * 0.0.0.0 explicitly).
 */
public final class OpsServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final GuardedHttpServer server;
    private final Map<String, HealthCheck> checks = new ConcurrentHashMap<>();

    private OpsServer(GuardedHttpServer server) {
        this.server = server;
    }

    /** Starts the server with {@link ServerLimits#defaults()}. */
    public static OpsServer start(String host, int port, PrometheusMeterRegistry registry) throws IOException {
        return start(host, port, registry, ServerLimits.defaults());
    }

    /**
     * Starts the server.
     *
     * @param host     bind address
     * @param port     0 for a free port
     * @param registry the service's meter registry, served at /metrics
     * @param limits   its pools and I/O timeouts
     */
    public static OpsServer start(String host, int port, PrometheusMeterRegistry registry, ServerLimits limits)
            throws IOException {
        GuardedHttpServer http = GuardedHttpServer.start("ops-http", host, port, limits);
        OpsServer ops = new OpsServer(http);
        http.inlineRoute("/metrics", ex -> {
            if (!"GET".equals(ex.getRequestMethod())) {
                ex.getResponseHeaders().set("Allow", "GET");
                send(ex, 405, "text/plain; charset=utf-8", "use GET");
                return;
            }
            send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
        });
        http.inlineRoute("/health", ops::health);
        for (ExchangeWatchdog.Phase phase : ExchangeWatchdog.Phase.values()) {
            FunctionCounter.builder("vilstream.http.timeouts", http, s -> s.timedOut(phase))
                    .description("Connections closed because the client stalled longer than the phase's timeout")
                    .tag("phase", phase.name().toLowerCase(java.util.Locale.ROOT))
                    .register(registry);
        }
        return ops;
    }

    public void addHealthCheck(String name, HealthCheck check) {
        checks.put(name, check);
    }

    /**
     * Adds a route (exact path prefix, as the JDK server matches contexts) served by the worker
     * pool; when the pool's queue is full the client gets a plain 503.
     */
    public void route(String path, HttpHandler handler) {
        route(path, handler, ex -> {
            ex.getResponseHeaders().set("Retry-After", "1");
            send(ex, 503, "text/plain; charset=utf-8", "busy: try again");
        });
    }

    /** Adds a route served by the worker pool, with the API's own answer when the pool is full. */
    public void route(String path, HttpHandler handler, HttpHandler whenBusy) {
        server.route(path, handler, whenBusy);
    }

    public int port() {
        return server.port();
    }

    public String url() {
        return server.url();
    }

    /** The underlying server: its limits and timeout counts. */
    public GuardedHttpServer server() {
        return server;
    }

    private void health(HttpExchange ex) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        boolean up = true;
        Map<String, Object> details = new LinkedHashMap<>();
        for (Map.Entry<String, HealthCheck> e : checks.entrySet()) {
            HealthCheck.Status s;
            try {
                s = e.getValue().check();
            } catch (RuntimeException failure) {
                s = HealthCheck.Status.down("check failed: " + failure.getMessage());
            }
            up &= s.up();
            details.put(e.getKey(), Map.of("status", s.up() ? "UP" : "DOWN", "detail", s.detail()));
        }
        body.put("status", up ? "UP" : "DOWN");
        body.put("checks", details);
        send(ex, up ? 200 : 503, "application/json", JSON.writeValueAsString(body));
    }

    /** Writes a complete response and closes the exchange (under the response timeout). */
    public static void send(HttpExchange ex, int status, String contentType, String body) throws IOException {
        send(ex, status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    public static void send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
        ResponseWriter.send(ex, status, contentType, body);
    }

    @Override
    public void close() {
        server.close();
    }
}
