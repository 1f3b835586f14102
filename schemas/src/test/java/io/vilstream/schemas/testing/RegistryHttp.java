package io.vilstream.schemas.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;

/** Raw HTTP calls to a registry, to check the exact statuses, codes, bodies and content types. */
public final class RegistryHttp {

    public record Response(int status, String contentType, String text, JsonNode json) {
        public int errorCode() {
            return json.path("error_code").asInt(-1);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;

    public RegistryHttp(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    public Response get(String path) {
        return call("GET", path, null, null);
    }

    public Response post(String path, String body) {
        return call("POST", path, body, null);
    }

    public Response put(String path, String body) {
        return call("PUT", path, body, null);
    }

    /** {@code {"schema": "<schema text>"}}. */
    public static String schemaBody(String schemaText) {
        return "{\"schema\":" + new TextNode(schemaText) + "}";
    }

    public Response call(String method, String path, String body, String accept) {
        return call(method, path, body, accept, "application/vnd.schemaregistry.v1+json");
    }

    public Response call(String method, String path, String body, String accept, String contentType) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30));
        if (accept != null) {
            b.header("Accept", accept);
        }
        if (body != null) {
            b.header("Content-Type", contentType);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json;
            try {
                json = JSON.readTree(r.body());
            } catch (IOException e) {
                json = JSON.nullNode();
            }
            return new Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(), json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
