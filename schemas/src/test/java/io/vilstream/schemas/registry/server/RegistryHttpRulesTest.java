package io.vilstream.schemas.registry.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;

import io.vilstream.runtime.http.GuardedHttpServer;
import io.vilstream.runtime.http.ServerLimits;
import io.vilstream.schemas.registry.core.InMemorySchemaStore;
import io.vilstream.schemas.registry.core.SchemaRegistryCore;
import io.vilstream.schemas.registry.core.SchemaStore;
import io.vilstream.schemas.registry.core.StoreEntry;
import io.vilstream.schemas.testing.RegistryHttp;
import io.vilstream.schemas.testing.RegistryHttp.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The registry's answers to what runtime's HTTP layer decides (the same answers as the
 * retriever's, in Confluent's shape): a repeated query parameter, escapes that are not UTF-8 or
 * not escapes, {@code +} in a subject, a wrong method, a body over the limit, a bug. Over an
 * in-memory store: no broker needed.
 */
class RegistryHttpRulesTest {

    static final String SCHEMA = "{\"type\":\"record\",\"name\":\"Item\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"}]}";
    static final int MAX_BODY = 4096;

    static FailingStore store;
    static SchemaRegistryCore core;
    static GuardedHttpServer server;
    static RegistryHttp http;

    @BeforeAll
    static void start() throws Exception {
        store = new FailingStore();
        core = SchemaRegistryCore.open(store);
        server = RegistryHttpHandler.serve(core, "127.0.0.1", 0, ServerLimits.defaults()
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5)), MAX_BODY);
        http = new RegistryHttp(server.url());
    }

    @AfterAll
    static void stop() {
        server.close();
        core.close();
    }

    @Test
    void aRepeatedQueryParameterIsA400NamingIt() {
        Response r = http.get("/config/dup-value?defaultToGlobal=true&defaultToGlobal=false");
        assertError(r, 400, 400);
        assertThat(r.json().path("message").asText()).contains("'defaultToGlobal'").contains("more than once");
    }

    @Test
    void escapesThatAreNotUtf8AreA400AndMalformedOnesTooNeverA500() throws Exception {
        Response path = http.get("/subjects/%ff/versions");
        assertError(path, 400, 400);
        assertThat(path.json().path("message").asText()).contains("not UTF-8");
        assertError(http.get("/config/x?defaultToGlobal=%C3"), 400, 400);
        // not an escape at all: refused by the JDK server before any handler, still a 400
        assertThat(rawStatusLine("GET /subjects/%zz/versions HTTP/1.1")).contains(" 400 ");
        assertThat(rawStatusLine("GET /config/x?defaultToGlobal=%zz HTTP/1.1")).contains(" 400 ");
    }

    @Test
    void plusInASubjectIsAPlusSign() {
        assertThat(http.post("/subjects/a+b-value/versions", RegistryHttp.schemaBody(SCHEMA)).status()).isEqualTo(200);
        assertThat(http.get("/subjects").json().toString()).contains("\"a+b-value\"");
        assertThat(http.get("/subjects/a%2Bb-value/versions").json().toString()).isEqualTo("[1]");
        Response spaced = http.get("/subjects/a%20b-value/versions");
        assertError(spaced, 404, 40401);
        assertThat(spaced.json().path("message").asText()).contains("'a b-value'");
    }

    @Test
    void aWrongMethodIs405WithAllow() throws Exception {
        assertError(http.call("DELETE", "/subjects", null, null), 405, 405);
        assertError(http.call("PATCH", "/config", "{}", null), 405, 405);
        String head = rawResponseHead("DELETE /config HTTP/1.1");
        assertThat(head).contains(" 405 ").containsIgnoringCase("Allow: GET, PUT");
    }

    @Test
    void aBodyOverTheLimitIs413WithAMessage() {
        Response r = http.post("/subjects/big-value/versions", "{\"schema\":\"" + "x".repeat(MAX_BODY) + "\"}");
        assertError(r, 413, 413);
        assertThat(r.json().path("message").asText()).contains("the limit is " + MAX_BODY + " bytes");
    }

    @Test
    void aBugIsA500WithConfluentsCodeAndNothingOfTheException() {
        store.failing = true;
        try {
            Response r = http.post("/subjects/broken-value/versions", RegistryHttp.schemaBody(SCHEMA));
            assertError(r, 500, 50001);
            assertThat(r.text()).doesNotContain("secret", "IllegalStateException", "at io.");
        } finally {
            store.failing = false;
        }
    }

    private static void assertError(Response r, int status, int code) {
        assertThat(r.status()).as(r.text()).isEqualTo(status);
        assertThat(r.errorCode()).as(r.text()).isEqualTo(code);
        assertThat(r.contentType()).isEqualTo(RegistryHttpHandler.V1_JSON);
    }

    static String rawStatusLine(String requestLine) throws Exception {
        return rawResponseHead(requestLine).lines().findFirst().orElse("");
    }

    /** A request no HTTP client library sends (a malformed escape), written by hand. */
    static String rawResponseHead(String requestLine) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.getOutputStream().write((requestLine + "\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            StringBuilder head = new StringBuilder();
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                head.append(line).append('\n');
            }
            return head.toString();
        }
    }

    /** The in-memory store, with a switch that makes writes fail as a bug would. */
    static final class FailingStore implements SchemaStore {
        final InMemorySchemaStore delegate = new InMemorySchemaStore();
        volatile boolean failing;

        @Override
        public void start(Consumer<StoreEntry> sink) {
            delegate.start(sink);
        }

        @Override
        public void append(StoreEntry entry) {
            if (failing) {
                throw new IllegalStateException("secret: disk /var/lib/registry is full");
            }
            delegate.append(entry);
        }

        @Override
        public void catchUp() {
            delegate.catchUp();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
