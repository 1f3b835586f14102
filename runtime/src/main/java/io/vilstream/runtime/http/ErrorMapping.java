package io.vilstream.runtime.http;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns whatever one API's handlers throw into that API's answers: an {@link HttpException}
 * (or an API exception its translator maps to one) is the refusal it describes, in the API's
 * {@link ErrorFormat}, with its headers ({@code Allow}); an {@link ExchangeTimeoutException}
 * gets no answer (the watchdog closed the connection); anything else is a bug: logged with its
 * stack trace, answered 500 with the format's generic message and nothing of the exception.
 */
public final class ErrorMapping {

    private static final Logger log = LoggerFactory.getLogger(ErrorMapping.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A route's handler: like {@link HttpHandler}, and free to throw {@link HttpException}. */
    @FunctionalInterface
    public interface ExchangeHandler {
        void handle(HttpExchange ex) throws IOException;
    }

    private final ErrorFormat format;
    private final Function<RuntimeException, Optional<HttpException>> translator;

    public ErrorMapping(ErrorFormat format) {
        this(format, e -> Optional.empty());
    }

    /**
     * @param translator maps the API's own exceptions (the registry's
     *                   {@code SchemaRegistryException}) to refusals; empty for anything else
     */
    public ErrorMapping(ErrorFormat format, Function<RuntimeException, Optional<HttpException>> translator) {
        this.format = format;
        this.translator = translator;
    }

    /** The handler, guarded. */
    public HttpHandler guard(ExchangeHandler handler) {
        return ex -> {
            try {
                handler.handle(ex);
            } catch (HttpException e) {
                refuse(ex, e);
            } catch (ExchangeTimeoutException e) {
                log.debug("{} {}: {}", ex.getRequestMethod(), ex.getRequestURI(), e.getMessage());
            } catch (IOException e) {
                // the client went away, or the handler's own I/O failed: answer if anyone listens
                log.warn("{} {} failed: {}", ex.getRequestMethod(), ex.getRequestURI(), e.toString());
                refuse(ex, format.internalError());
            } catch (RuntimeException e) {
                Optional<HttpException> refusal = translator.apply(e);
                if (refusal.isPresent()) {
                    refuse(ex, refusal.get());
                } else {
                    log.error("{} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
                    refuse(ex, format.internalError());
                }
            }
        };
    }

    /** A handler that always refuses: a server's answer when its workers are all busy. */
    public HttpHandler always(HttpException refusal) {
        return ex -> refuse(ex, refusal);
    }

    /** Writes a refusal in the API's format; a connection that is already gone is left alone. */
    public void refuse(HttpExchange ex, HttpException e) {
        try {
            for (Map.Entry<String, String> h : e.headers().entrySet()) {
                ex.getResponseHeaders().set(h.getKey(), h.getValue());
            }
            ResponseWriter.send(ex, e.status(), format.contentType(ex), JSON.writeValueAsBytes(format.body(e)));
        } catch (IOException | RuntimeException failed) {
            // the response was started already, or the client left: nothing more to tell it
            log.debug("could not answer {} {} with {}: {}", ex.getRequestMethod(), ex.getRequestURI(), e.status(),
                    failed.toString());
        }
    }
}
