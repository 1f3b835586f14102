package io.vilstream.runtime.http;

import java.io.IOException;
import java.io.OutputStream;

import com.sun.net.httpserver.HttpExchange;

/**
 * Writes a complete response and closes the exchange, under the server's response timeout (a
 * client that stops reading loses its connection instead of holding a thread).
 */
public final class ResponseWriter {

    private ResponseWriter() {
    }

    public static void send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
        ExchangeWatchdog.during(ExchangeWatchdog.Phase.RESPONSE, () -> {
            ex.getResponseHeaders().set("Content-Type", contentType);
            ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
            ex.close();
            return null;
        });
    }
}
