package io.vilstream.retriever.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The page and the OpenAPI document, plain files from {@code /web/} on the classpath (no build
 * step), read once and kept. Only names in the folder itself are served, so a request cannot
 * walk out of it.
 */
final class WebAssets {

    private final Map<String, Optional<byte[]>> cache = new ConcurrentHashMap<>();

    byte[] bytes(String name) {
        return find(name).orElseThrow(() -> new IllegalStateException("missing web asset " + name));
    }

    Optional<byte[]> find(String name) {
        if (!name.matches("[A-Za-z0-9_-]+\\.[a-z]+")) {
            return Optional.empty();
        }
        return cache.computeIfAbsent(name, n -> {
            try (InputStream in = WebAssets.class.getResourceAsStream("/web/" + n)) {
                return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    static String contentType(String name) {
        if (name.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        if (name.endsWith(".css")) {
            return "text/css; charset=utf-8";
        }
        if (name.endsWith(".json")) {
            return "application/json; charset=utf-8";
        }
        if (name.endsWith(".svg")) {
            return "image/svg+xml";
        }
        return name.endsWith(".html") ? "text/html; charset=utf-8" : "application/octet-stream";
    }
}
