package io.vilstream.runtime.http;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The operations endpoint of a service: {@code GET /metrics} (Prometheus text format, from the
 * service's Micrometer registry), {@code GET /health} (200 when every check is up, else 503,
 * JSON body with each check) and any extra routes the service adds (the retriever's API).
 * Built on the JDK's HTTP server: no framework for a handful of routes. Binds 127.0.0.1 unless
 * told otherwise (containers bind 0.0.0.0 explicitly).
 */
public final class OpsServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final Map<String, HealthCheck> checks = new ConcurrentHashMap<>();

    private OpsServer(HttpServer server) {
        this.server = server;
    }

    /**
     * Starts the server.
     *
     * @param host     bind address
     * @param port     0 for a free port
     * @param registry the service's meter registry, served at /metrics
     */
    public static OpsServer start(String host, int port, PrometheusMeterRegistry registry) throws IOException {
        // Nagle's algorithm plus delayed ACKs add ~40 ms to small responses of the JDK server
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 64);
        OpsServer ops = new OpsServer(http);
        http.createContext("/metrics", ex -> {
            if (!"GET".equals(ex.getRequestMethod())) {
                send(ex, 405, "text/plain", "use GET");
                return;
            }
            send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
        });
        http.createContext("/health", ops::health);
        http.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "ops-http");
            t.setDaemon(true);
            return t;
        }));
        http.start();
        return ops;
    }

    public void addHealthCheck(String name, HealthCheck check) {
        checks.put(name, check);
    }

    /** Adds a route (exact path prefix, as the JDK server matches contexts). */
    public void route(String path, HttpHandler handler) {
        server.createContext(path, handler);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String url() {
        return "http://" + server.getAddress().getHostString() + ":" + port();
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

    /** Writes a complete response and closes the exchange. */
    public static void send(HttpExchange ex, int status, String contentType, String body) throws IOException {
        send(ex, status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    public static void send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
        ex.close();
    }

    @Override
    public void close() {
        server.stop(0);
        if (server.getExecutor() instanceof java.util.concurrent.ExecutorService es) {
            es.shutdownNow();
        }
    }
}
