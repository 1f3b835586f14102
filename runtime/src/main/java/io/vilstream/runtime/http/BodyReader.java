package io.vilstream.runtime.http;

import java.io.IOException;
import java.io.InputStream;

import com.sun.net.httpserver.HttpExchange;

/**
 * Reads a request body with a size limit and the server's body timeout. A declared
 * {@code Content-Length} above the limit is refused before a byte is read; an undeclared
 * (chunked) body is read until one byte past the limit. Either way the answer is a 413 naming
 * the size and the limit.
 */
public final class BodyReader {

    /** The largest array the JVM reliably allocates. */
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    private BodyReader() {
    }

    /**
     * @param limit largest body accepted, in bytes
     * @param what  what the body is, for the 413's message ("upload", "request body")
     */
    public static byte[] read(HttpExchange ex, long limit, String what) throws IOException {
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            long n;
            try {
                n = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                throw HttpException.badRequest("Content-Length is not a number: '" + declared + "'");
            }
            if (n > limit) {
                throw tooLarge(what, n + " bytes", limit);
            }
        }
        // not closed here: the exchange's close drains and closes it under the response timeout
        InputStream in = ex.getRequestBody();
        byte[] body = ExchangeWatchdog.during(ExchangeWatchdog.Phase.BODY,
                () -> in.readNBytes((int) Math.min(MAX_ARRAY, limit + 1)));
        if (body.length > limit) {
            throw tooLarge(what, "more than " + limit + " bytes", limit);
        }
        return body;
    }

    private static HttpException tooLarge(String what, String size, long limit) {
        return HttpException.payloadTooLarge(what + " too large: " + size + ", the limit is " + limit + " bytes");
    }
}
