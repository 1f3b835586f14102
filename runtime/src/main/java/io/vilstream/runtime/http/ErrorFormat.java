package io.vilstream.runtime.http;

import com.sun.net.httpserver.HttpExchange;

/**
 * How one JSON API shapes its error answers: the retriever's {@code {"error": message}},
 * Confluent's {@code {"error_code": code, "message": message}}. One format per API, so every
 * refusal of that API (a handler's, the shared parsing's, a 500) has the same shape.
 */
public interface ErrorFormat {

    /** The body for a refusal, a value Jackson writes as JSON. */
    Object body(HttpException error);

    /** What a 500 says: no stack trace, no exception text; the details are in the server log. */
    HttpException internalError();

    /** The content type of error answers (an API may negotiate it from {@code Accept}). */
    default String contentType(HttpExchange ex) {
        return "application/json; charset=utf-8";
    }
}
