package io.vilstream.runtime.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import com.sun.net.httpserver.HttpExchange;

/**
 * Reads a request body with a size limit and the server's body timeout. A declared
 * {@code Content-Length} above the limit is refused without keeping a byte; an undeclared
 * (chunked) body is read until one byte past the limit. Either way the answer is a 413 naming
 * the size and the limit.
 *
 * <p>A refused body that is not much larger than the limit (up to {@link #SWALLOW_BYTES} more) is
 * read and thrown away first, under the same body timeout: closing a connection whose unread bytes
 * are still arriving makes TCP reset it, and a reset can destroy the 413 on its way to the client,
 * which then sees a broken connection instead of the reason. Larger bodies are not worth reading;
 * their senders may see the reset.
 */
public final class BodyReader {

    /** The largest array the JVM reliably allocates. */
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    /** How far past the limit a refused body is still read and discarded so the 413 arrives. */
    static final long SWALLOW_BYTES = 16L << 20;

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
                if (n - limit <= SWALLOW_BYTES) {
                    InputStream in = ex.getRequestBody();
                    ExchangeWatchdog.during(ExchangeWatchdog.Phase.BODY, () -> in.transferTo(OutputStream.nullOutputStream()));
                }
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
