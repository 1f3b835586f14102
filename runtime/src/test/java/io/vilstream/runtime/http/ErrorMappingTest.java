package io.vilstream.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One API's refusals in its one shape: 405 with Allow, 413 with a message, 400s from parsing, a 500 that tells nothing. */
class ErrorMappingTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static GuardedHttpServer server;
    static final HttpClient client = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException {
        server = GuardedHttpServer.start("test-http", "127.0.0.1", 0, ServerLimits.defaults());
        ErrorMapping errors = new ErrorMapping(new ErrorFormat() {
            @Override
            public Object body(HttpException error) {
                return Map.of("code", error.code(), "text", error.getMessage());
            }

            @Override
            public HttpException internalError() {
                return new HttpException(500, 5000, "internal error", Map.of());
            }
        }, e -> e instanceof UnsupportedOperationException ? java.util.Optional.of(new HttpException(409, 40901,
                "translated: " + e.getMessage(), Map.of())) : java.util.Optional.empty());
        server.route("/echo", errors.guard(ex -> {
            AllowedMethods.require(ex.getRequestMethod(), "POST", "PUT");
            QueryParameters q = QueryParameters.parse(ex.getRequestURI().getRawQuery());
            byte[] body = BodyReader.read(ex, 1000, "request body");
            ResponseWriter.send(ex, 200, "text/plain", (q.asMap() + " " + body.length).getBytes(StandardCharsets.UTF_8));
        }), errors.always(HttpException.unavailable("busy")));
        server.route("/bug", errors.guard(ex -> {
            throw new IllegalStateException("secret detail at /internal/path");
        }), errors.always(HttpException.unavailable("busy")));
        server.route("/translated", errors.guard(ex -> {
            throw new UnsupportedOperationException("no");
        }), errors.always(HttpException.unavailable("busy")));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aWrongMethodIs405WithAllow() throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/echo")).GET());
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.headers().firstValue("Allow")).contains("POST, PUT");
        assertThat(json(r).path("text").asText()).contains("GET is not allowed");
    }

    @Test
    void aBodyOverTheLimitIs413WhetherDeclaredOrChunked() throws Exception {
        HttpResponse<String> declared = send(HttpRequest.newBuilder(uri("/echo"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[1001])));
        assertThat(declared.statusCode()).isEqualTo(413);
        assertThat(json(declared).path("text").asText()).isEqualTo("request body too large: 1001 bytes, the limit is 1000 bytes");

        // no Content-Length: a streamed body, counted while read
        HttpResponse<String> chunked = send(HttpRequest.newBuilder(uri("/echo"))
                .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofByteArray(new byte[5000]))));
        assertThat(chunked.statusCode()).isEqualTo(413);
        assertThat(json(chunked).path("text").asText()).contains("more than 1000 bytes");

        assertThat(send(HttpRequest.newBuilder(uri("/echo?a=1")).POST(HttpRequest.BodyPublishers.ofByteArray(new byte[1000])))
                .body()).isEqualTo("{a=1} 1000");
    }

    @Test
    void queryMistakesAre400sInTheApisShape() throws Exception {
        HttpResponse<String> twice = send(HttpRequest.newBuilder(uri("/echo?k=1&k=2")).POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(twice.statusCode()).isEqualTo(400);
        assertThat(json(twice).path("text").asText()).contains("'k'");
        HttpResponse<String> notUtf8 = send(HttpRequest.newBuilder(uri("/echo?k=%ff")).POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(notUtf8.statusCode()).isEqualTo(400);
        assertThat(json(notUtf8).path("code").asInt()).isEqualTo(400);
    }

    @Test
    void aBugIsA500ThatLeaksNothingAndApiExceptionsAreTranslated() throws Exception {
        HttpResponse<String> bug = send(HttpRequest.newBuilder(uri("/bug")).GET());
        assertThat(bug.statusCode()).isEqualTo(500);
        assertThat(json(bug).path("code").asInt()).isEqualTo(5000);
        assertThat(bug.body()).doesNotContain("secret", "IllegalState", "at io.", "/internal");

        HttpResponse<String> translated = send(HttpRequest.newBuilder(uri("/translated")).GET());
        assertThat(translated.statusCode()).isEqualTo(409);
        assertThat(json(translated).path("code").asInt()).isEqualTo(40901);
    }

    static URI uri(String path) {
        return URI.create(server.url() + path);
    }

    static HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
        return client.send(b.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body());
    }
}
