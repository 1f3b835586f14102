package io.vilstream.cli.chaos;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A slowloris burst against the retriever, on loopback only and bounded in count and time:
 * {@code count} connections each send a request line a byte per second and never finish their
 * headers, while {@code /health} is probed every half second. The server should close them at
 * its header timeout and keep answering the probe.
 */
final class SlowClients {

    /** What the burst saw: connections the server closed, and the health probes' answers. */
    record Result(int connections, int closedByServer, int probes, int probeFailures, long probeMaxMillis) {
    }

    private SlowClients() {
    }

    static Result burst(int port, int count, Duration length) throws InterruptedException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        List<Socket> sockets = new ArrayList<>();
        boolean[] closed = new boolean[count];
        byte[] line = "GET /v1/search?text=slow-client-".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < count; i++) {
            try {
                Socket s = new Socket(loopback, port);
                s.setSoTimeout(1);
                sockets.add(s);
            } catch (IOException e) {
                closed[i] = true; // refused outright counts as closed by the server
                sockets.add(null);
            }
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        int probes = 0;
        int failures = 0;
        long maxMillis = 0;
        long end = System.nanoTime() + length.toNanos();
        int sent = 0;
        long nextByte = 0;
        while (System.nanoTime() < end) {
            if (System.nanoTime() >= nextByte) {
                for (int i = 0; i < count; i++) {
                    Socket s = sockets.get(i);
                    if (s == null || closed[i]) {
                        continue;
                    }
                    try {
                        OutputStream out = s.getOutputStream();
                        out.write(line[sent % line.length]);
                        out.flush();
                        InputStream in = s.getInputStream();
                        try {
                            if (in.read() < 0) {
                                closed[i] = true;
                            }
                        } catch (SocketTimeoutException stillOpen) {
                            // nothing to read: the server still waits for the headers
                        }
                    } catch (IOException e) {
                        closed[i] = true;
                    }
                }
                sent++;
                nextByte = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            }
            long t0 = System.nanoTime();
            probes++;
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                        .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() != 200) {
                    failures++;
                }
            } catch (IOException e) {
                failures++;
            }
            maxMillis = Math.max(maxMillis, (System.nanoTime() - t0) / 1_000_000);
            Thread.sleep(500);
        }
        int closedCount = 0;
        for (int i = 0; i < count; i++) {
            if (closed[i]) {
                closedCount++;
            }
            Socket s = sockets.get(i);
            if (s != null) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing ours
                }
            }
        }
        return new Result(count, closedCount, probes, failures, maxMillis);
    }
}
