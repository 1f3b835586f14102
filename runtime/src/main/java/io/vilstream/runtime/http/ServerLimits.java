package io.vilstream.runtime.http;

import java.time.Duration;
import java.util.Objects;

/**
 * The limits of a {@link GuardedHttpServer}: its two thread pools and the deadline of each I/O
 * phase of an exchange. A slow or stalled client holds a thread only until the deadline of the
 * phase it stalls in; then its connection is closed.
 *
 * @param connectionThreads threads that read request lines and headers and answer the inline
 *                          routes ({@code /health}, {@code /metrics}); never blocked by a handler
 * @param workerThreads     threads that run the API's handlers (body, work, response)
 * @param workerQueue       exchanges that may wait for a worker; beyond it the answer is a 503
 * @param headerTimeout     from a request's first byte to the end of its headers
 * @param bodyTimeout       to read a request body a handler asks for
 * @param responseTimeout   to write a response (and drain what the handler did not read)
 */
public record ServerLimits(int connectionThreads, int workerThreads, int workerQueue, Duration headerTimeout,
                           Duration bodyTimeout, Duration responseTimeout) {

    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_CONNECTION_THREADS = 16;
    public static final int DEFAULT_WORKER_THREADS = 8;
    /** Waiting exchanges per worker thread when the queue is derived from the thread count. */
    public static final int QUEUE_PER_WORKER = 16;

    public ServerLimits {
        if (connectionThreads < 1 || workerThreads < 1 || workerQueue < 0) {
            throw new IllegalArgumentException("threads must be >= 1 and the queue >= 0: " + connectionThreads + ", "
                    + workerThreads + ", " + workerQueue);
        }
        for (Duration d : new Duration[] {headerTimeout, bodyTimeout, responseTimeout}) {
            if (Objects.requireNonNull(d, "timeouts are required").isNegative() || d.isZero()) {
                throw new IllegalArgumentException("timeouts must be positive: " + d);
            }
        }
    }

    /** 16 connection threads, 8 workers (queue 128), 10 s for headers, 30 s for a body or a response. */
    public static ServerLimits defaults() {
        return new ServerLimits(DEFAULT_CONNECTION_THREADS, DEFAULT_WORKER_THREADS,
                DEFAULT_WORKER_THREADS * QUEUE_PER_WORKER, DEFAULT_HEADER_TIMEOUT, DEFAULT_BODY_TIMEOUT,
                DEFAULT_RESPONSE_TIMEOUT);
    }

    /** The same limits with another worker count (and the queue derived from it). */
    public ServerLimits withWorkerThreads(int threads) {
        return new ServerLimits(connectionThreads, threads, threads * QUEUE_PER_WORKER, headerTimeout, bodyTimeout,
                responseTimeout);
    }

    public ServerLimits withTimeouts(Duration header, Duration body, Duration response) {
        return new ServerLimits(connectionThreads, workerThreads, workerQueue, header, body, response);
    }

    Duration timeout(ExchangeWatchdog.Phase phase) {
        return switch (phase) {
            case HEADERS -> headerTimeout;
            case BODY -> bodyTimeout;
            case RESPONSE -> responseTimeout;
        };
    }
}
