package io.vilstream.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import io.vilstream.schemas.avro.ContentEvent;
import io.vilstream.schemas.contract.AvroContracts;
import io.vilstream.schemas.serde.AvroSerdeConfig;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP client's retries, error mapping, auth and caching, against a scripted local server. */
class HttpSchemaRegistryClientTest {

    private record Answer(int status, String body) {
    }

    private record Seen(String method, String path, String authorization, String contentType, String body) {
    }

    private HttpServer server;
    private final Deque<Answer> script = new ArrayDeque<>();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    exchange.getRequestHeaders().getFirst("Content-Type"), body));
            Answer a;
            synchronized (script) {
                a = script.size() > 1 ? script.poll() : script.peek();
            }
            byte[] bytes = a.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
            exchange.sendResponseHeaders(a.status(), bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void answer(int status, String body) {
        script.add(new Answer(status, body));
    }

    private RegistryClientConfig fastRetries(String... urls) {
        return new RegistryClientConfig(List.of(urls).stream().map(URI::create).toList(), Optional.empty(),
                Duration.ofSeconds(1), Duration.ofSeconds(5), 3, Duration.ofMillis(10), Duration.ofMillis(40));
    }

    private static Schema contentEvent() {
        return AvroContracts.schemaOf(ContentEvent.class);
    }

    @Test
    void retriesServerErrorsThenSucceeds() {
        answer(503, "{\"error_code\":50003,\"message\":\"busy\"}");
        answer(500, "{\"error_code\":50001,\"message\":\"store\"}");
        answer(200, "{\"id\":7}");
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(fastRetries(url()));
        assertThat(client.register("s-value", contentEvent())).isEqualTo(7);
        assertThat(seen).hasSize(3);
        Seen request = seen.get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/subjects/s-value/versions");
        assertThat(request.contentType()).isEqualTo("application/vnd.schemaregistry.v1+json");
        assertThat(request.body()).contains("\"schema\"").doesNotContain("avro.java.string");
    }

    @Test
    void neverRetriesClientErrorsAndKeepsConfluentsCode() {
        answer(404, "{\"error_code\":40403,\"message\":\"Schema 5 not found\"}");
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(fastRetries(url()));
        assertThatThrownBy(() -> client.schemaById(5)).isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
            assertThat(e.status()).isEqualTo(404);
            assertThat(e.errorCode()).isEqualTo(40403);
            assertThat(e.getMessage()).contains("Schema 5 not found");
            assertThat(e.isUnavailable()).isFalse();
        });
        assertThat(seen).hasSize(1);
    }

    @Test
    void givesUpOnPersistentServerErrorsAfterTheConfiguredRetries() {
        answer(500, "<html>proxy error</html>");
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(fastRetries(url()));
        assertThatThrownBy(() -> client.subjects()).isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
            assertThat(e.isUnavailable()).isTrue();
            assertThat(e.errorCode()).isEqualTo(500);
            assertThat(e.getMessage()).contains("proxy error").contains("4 attempts");
        });
        assertThat(seen).hasSize(4);
    }

    @Test
    void movesOnToTheNextUrlWhenOneIsDown() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        answer(200, "[\"a\",\"b\"]");
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(fastRetries("http://127.0.0.1:" + closed, url()));
        assertThat(client.subjects()).containsExactly("a", "b");
        assertThat(client.subjects()).containsExactly("a", "b");
        assertThat(seen).hasSize(2); // the second call went straight to the URL that answered
    }

    @Test
    void backoffDoublesUpToTheMaximum() {
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(fastRetries(url()));
        assertThat(client.backoff(1)).isEqualTo(Duration.ofMillis(10));
        assertThat(client.backoff(2)).isEqualTo(Duration.ofMillis(20));
        assertThat(client.backoff(3)).isEqualTo(Duration.ofMillis(40));
        assertThat(client.backoff(9)).isEqualTo(Duration.ofMillis(40));
    }

    @Test
    void sendsBasicCredentialsFromUserInfoOrFromTheUrl() {
        answer(200, "[]");
        Map<String, Object> userInfo = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, url(),
                AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO",
                AvroSerdeConfig.BASIC_AUTH_USER_INFO, "alice:s3cret");
        new HttpSchemaRegistryClient(new AvroSerdeConfig(userInfo).registryClientConfig()).subjects();
        Map<String, Object> inUrl = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                url().replace("http://", "http://bob:pa%3Ass@"));
        new HttpSchemaRegistryClient(new AvroSerdeConfig(inUrl).registryClientConfig()).subjects();

        assertThat(seen.get(0).authorization()).isEqualTo(basic("alice:s3cret"));
        assertThat(seen.get(1).authorization()).isEqualTo(basic("bob:pa:ss"));
        assertThat(seen.get(1).path()).isEqualTo("/subjects");
    }

    @Test
    void cachesSchemasByIdAndIdsBySubject() {
        answer(200, "{\"schema\":" + quoted(contentEvent().toString()) + "}");
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(fastRetries(url()));
        assertThat(client.schemaById(3)).isEqualTo(contentEvent());
        assertThat(client.schemaById(3)).isEqualTo(contentEvent());
        assertThat(seen).hasSize(1);
        assertThat(seen.get(0).path()).isEqualTo("/schemas/ids/3");
    }

    @Test
    void escapesSubjectsInPaths() {
        answer(200, "[1]");
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(fastRetries(url()));
        assertThat(client.versions("my topic/with:odd-value")).containsExactly(1);
        assertThat(seen.get(0).path()).isEqualTo("/subjects/my%20topic%2Fwith%3Aodd-value/versions");
    }

    @Test
    void anUnsetSubjectLevelIsEmpty() {
        answer(404, "{\"error_code\":40408,\"message\":\"Subject 's' does not have subject-level compatibility configured\"}");
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(fastRetries(url()));
        assertThat(client.compatibility("s")).isEmpty();
    }

    private static String basic(String userInfo) {
        return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    }

    private static String quoted(String s) {
        return new com.fasterxml.jackson.databind.node.TextNode(s).toString();
    }
}
