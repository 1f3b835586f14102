package io.vilstream.runtime.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JDK's HTTP server with two pools and I/O deadlines, the base of every vilstream HTTP
 * endpoint (the ops endpoint with the retriever's API, the schema registry).
 *
 * <p>The JDK server hands each readable connection to its executor, whose thread then reads the
 * request line and headers (blocking), finds the route and runs its handler. Here:
 * <ul>
 *   <li>the <b>connection pool</b> reads requests (under the header timeout) and answers
 *       {@linkplain #inlineRoute inline routes} itself: cheap ones such as {@code /health} and
 *       {@code /metrics}, which must answer while the API is saturated;</li>
 *   <li>the <b>worker pool</b> runs the {@linkplain #route API routes}: reading a body (body
 *       timeout), the work (no deadline), the response (response timeout). A full queue is a
 *       503 from the route's {@code whenBusy} handler, answered on the connection thread.</li>
 * </ul>
 * So a client that stalls in its headers holds a connection thread for at most the header
 * timeout, one that stalls in its body holds a worker until at most the body timeout after its
 * headers were read (time spent waiting in the queue counts), and neither
 * kind blocks the inline routes (unless more than {@code connectionThreads} clients stall in
 * their headers at once, for at most the header timeout). See {@link ExchangeWatchdog}.
 */
public final class GuardedHttpServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GuardedHttpServer.class);

    static {
        // The JDK server writes a response's headers and body as two TCP segments; with Nagle's
        // algorithm the body then waits for the client's delayed ACK (~40 ms). The server reads the
        // property once, when the JVM's first HttpServer is created; set it unless someone chose.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final HttpServer server;
    private final ThreadPoolExecutor connections;
    private final ThreadPoolExecutor workers;
    private final ExchangeWatchdog watchdog;
    private final ServerLimits limits;

    private GuardedHttpServer(HttpServer server, String name, ServerLimits limits) {
        this.server = server;
        this.limits = limits;
        this.watchdog = new ExchangeWatchdog(name, limits);
        // unbounded queue: the JDK dispatcher does not expect its executor to refuse a connection
        this.connections = new ThreadPoolExecutor(limits.connectionThreads(), limits.connectionThreads(), 0,
                TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), daemonThreads(name + "-conn-"));
        this.workers = new ThreadPoolExecutor(limits.workerThreads(), limits.workerThreads(), 0,
                TimeUnit.MILLISECONDS, limits.workerQueue() == 0 ? new SynchronousQueue<>()
                        : new ArrayBlockingQueue<>(limits.workerQueue()), daemonThreads(name + "-worker-"));
        server.setExecutor(task -> connections.execute(watchdog.watched(task, ExchangeWatchdog.Phase.HEADERS, 0)));
    }

    /**
     * Binds and starts a server.
     *
     * @param name thread-name prefix
     * @param host bind address (127.0.0.1 unless the service must be reached from elsewhere)
     * @param port 0 for a free port
     */
    public static GuardedHttpServer start(String name, String host, int port, ServerLimits limits) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 64);
        GuardedHttpServer server = new GuardedHttpServer(http, name, limits);
        http.start();
        return server;
    }

    /**
     * A route answered on the connection thread that read the request: for cheap handlers that
     * must answer even when every worker is busy. The handler should not read a request body.
     */
    public void inlineRoute(String path, HttpHandler handler) {
        server.createContext(path, ex -> {
            ExchangeWatchdog.headersRead();
            run(handler, ex);
        });
    }

    /**
     * A route answered on the worker pool (path prefix, as the JDK server matches contexts).
     *
     * @param whenBusy answers, on the connection thread, when the worker queue is full (a 503)
     */
    public void route(String path, HttpHandler handler, HttpHandler whenBusy) {
        server.createContext(path, ex -> {
            ExchangeWatchdog.headersRead();
            try {
                workers.execute(watchdog.watched(() -> run(handler, ex), null, System.nanoTime()));
            } catch (RejectedExecutionException e) {
                run(whenBusy, ex);
            }
        });
    }

    /** Runs a handler and closes the exchange, whatever happens: the JDK server does not. */
    private static void run(HttpHandler handler, HttpExchange ex) {
        try {
            handler.handle(ex);
        } catch (IOException e) {
            log.debug("{} {}: {}", ex.getRequestMethod(), ex.getRequestURI(), e.toString());
        } catch (RuntimeException | Error e) {
            log.error("{} {} failed outside its API's error mapping", ex.getRequestMethod(), ex.getRequestURI(), e);
        } finally {
            try {
                // closing drains what the handler did not read: bounded by the response timeout
                ExchangeWatchdog.during(ExchangeWatchdog.Phase.RESPONSE, () -> {
                    ex.close();
                    return null;
                });
            } catch (IOException | RuntimeException e) {
                log.debug("closing {} {}: {}", ex.getRequestMethod(), ex.getRequestURI(), e.toString());
            }
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String url() {
        return "http://" + server.getAddress().getHostString() + ":" + port();
    }

    public ServerLimits limits() {
        return limits;
    }

    /** Connections closed so far because the client stalled in the phase. */
    public long timedOut(ExchangeWatchdog.Phase phase) {
        return watchdog.timedOut(phase);
    }

    @Override
    public void close() {
        server.stop(0);
        connections.shutdownNow();
        workers.shutdownNow();
        watchdog.close();
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
