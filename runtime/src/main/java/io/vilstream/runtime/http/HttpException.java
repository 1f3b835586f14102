package io.vilstream.runtime.http;

import java.util.Map;

/**
 * A request an API refuses: the HTTP status, the message the client reads, an API-specific
 * error code (Confluent's {@code error_code}; APIs without codes ignore it, and it defaults to
 * the status) and headers the answer must carry ({@code Allow} on a 405). Thrown by handlers and
 * by the shared request parsing; {@link ErrorMapping} turns it into the API's error body.
 */
public final class HttpException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final int code;
    private final transient Map<String, String> headers;

    public HttpException(int status, String message) {
        this(status, status, message, Map.of());
    }

    public HttpException(int status, int code, String message, Map<String, String> headers) {
        // no stack trace: a refusal is an answer, not a failure worth a trace
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.headers = Map.copyOf(headers);
    }

    public static HttpException badRequest(String message) {
        return new HttpException(400, message);
    }

    public static HttpException notFound(String message) {
        return new HttpException(404, message);
    }

    /** 405 with the {@code Allow} header listing what the resource accepts. */
    public static HttpException methodNotAllowed(String method, String... allowed) {
        String allow = String.join(", ", allowed);
        return new HttpException(405, 405, method + " is not allowed here, use " + allow, Map.of("Allow", allow));
    }

    public static HttpException payloadTooLarge(String message) {
        return new HttpException(413, message);
    }

    public static HttpException unavailable(String message) {
        return new HttpException(503, message);
    }

    public int status() {
        return status;
    }

    public int code() {
        return code;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
