package io.vilstream.retriever.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vilstream.datasets.events.ContentEvents;
import io.vilstream.datasets.item.EmojiItem;
import io.vilstream.model.config.ModelConfig;
import io.vilstream.model.image.ImageDecoder;
import io.vilstream.model.towers.DualEncoder;
import io.vilstream.retriever.RetrieverConfig.ApiLimits;
import io.vilstream.retriever.catalog.ContentCatalog;
import io.vilstream.retriever.index.ExactIndex;
import io.vilstream.retriever.metrics.RetrieverMetrics;
import io.vilstream.retriever.search.Searcher;
import io.vilstream.retriever.testing.FixtureEmbeddings;
import io.vilstream.retriever.testing.Http;
import io.vilstream.retriever.versions.ServingPolicy;
import io.vilstream.retriever.versions.VersionedIndexes;
import io.vilstream.runtime.http.OpsServer;
import io.vilstream.runtime.metrics.Metrics;
import io.vilstream.schemas.avro.Modality;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The API's contract for client mistakes: each one is a 400 with {@code {"error": message}}
 * naming the problem (an upload over the limit 413), unknown items are 404, a wrong method 405
 * with {@code Allow}, nothing served yet 503 — and never a 500. The query and path rules are
 * runtime's, the same as the registry's (its {@code RegistryHttpRulesTest}): a repeated
 * parameter is a 400 naming it, an escape that is not UTF-8 (or not an escape) a 400, {@code +}
 * a space in a query and a plus sign in a path. Runs the real handlers over an index filled in
 * memory (no broker needed).
 */
class SearchApiErrorsTest {

    static final int MAX_UPLOAD = 8 * 1024;
    static final ApiLimits LIMITS = new ApiLimits(10, 50, 100, MAX_UPLOAD, 1024L * 1024);
    static final String MODEL = ModelConfig.DEFAULT_NAME;

    static OpsServer server;
    static OpsServer idle;
    static Http http;
    static EmojiItem first;
    static VersionedIndexes versions;

    @BeforeAll
    static void serveTheFixture() throws Exception {
        List<EmojiItem> items = FixtureEmbeddings.items();
        first = items.get(0);
        ModelConfig tiny = ModelConfig.tiny();
        versions = new VersionedIndexes(MODEL, ExactIndex::new, 3, new ServingPolicy(true),
                v -> DualEncoder.initial(tiny, 5), new ImageDecoder.Limits(MAX_UPLOAD, LIMITS.maxPixels()),
                Clock.systemUTC());
        try (DualEncoder model = DualEncoder.initial(tiny, 5)) {
            for (FixtureEmbeddings.Encoded e : FixtureEmbeddings.encode(model, items)) {
                versions.apply(FixtureEmbeddings.record(e.id(), Modality.IMAGE, MODEL, 0, e.image()));
                versions.apply(FixtureEmbeddings.record(e.id(), Modality.TEXT, MODEL, 0, e.text()));
            }
        }
        versions.endOfBatch();
        versions.markCaughtUp();
        versions.target(0);
        assertThat(versions.evaluate()).isPresent();
        ContentCatalog catalog = new ContentCatalog(100, 1 << 24, 1 << 20);
        items.forEach(i -> catalog.put(ContentEvents.from(i, Instant.EPOCH)));

        PrometheusMeterRegistry registry = Metrics.newRegistry("retriever-test");
        RetrieverMetrics metrics = new RetrieverMetrics(registry, versions, catalog);
        server = OpsServer.start("127.0.0.1", 0, registry);
        new RetrieverApi(new Searcher(() -> versions.served().orElse(null), versions::lastDecision), versions, catalog, LIMITS, metrics, Map::of).install(server);
        http = new Http(server.url());

        VersionedIndexes empty = new VersionedIndexes(MODEL, ExactIndex::new, 3, new ServingPolicy(true),
                v -> DualEncoder.initial(tiny, 5), new ImageDecoder.Limits(MAX_UPLOAD, 1000), Clock.systemUTC());
        idle = OpsServer.start("127.0.0.1", 0, registry);
        new RetrieverApi(new Searcher(() -> empty.served().orElse(null), empty::lastDecision), empty, catalog, LIMITS, metrics, Map::of).install(idle);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (idle != null) {
            idle.close();
        }
        if (versions != null) {
            versions.close();
        }
    }

    static void assertClientError(Http.Response r, String messagePart) {
        assertRefusal(r, 400, messagePart);
    }

    static void assertRefusal(Http.Response r, int status, String messagePart) {
        assertThat(r.status()).as("status of %s", r.text()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/json");
        assertThat(r.json().path("error").asText()).containsIgnoringCase(messagePart);
    }

    @Test
    void textSearchMistakesAre400WithAMessage() throws Exception {
        assertClientError(http.get("/v1/search?text=&k=5"), "text must not be empty");
        assertClientError(http.get("/v1/search?text=%20%20"), "text must not be empty");
        assertClientError(http.get("/v1/search?k=5"), "text is required");
        assertClientError(http.get("/v1/search?text=cat&k=0"), "k must be between 1 and 50");
        assertClientError(http.get("/v1/search?text=cat&k=51"), "k must be between 1 and 50");
        assertClientError(http.get("/v1/search?text=cat&k=ten"), "k must be an integer");
        assertClientError(http.get("/v1/search?text=cat&k=99999999999999"), "k must be an integer");
        assertClientError(http.get("/v1/search?text=" + "a".repeat(101)), "at most 100");
        assertThat(rawStatusLine("GET /v1/search?text=%zz HTTP/1.1")).contains(" 400 ");
    }

    @Test
    void imageSearchMistakesAre400WithAMessage() throws Exception {
        byte[] png = first.renditions().get(0).png();
        assertClientError(http.post("/v1/search/image", "image/png", "this is not a picture".getBytes(StandardCharsets.UTF_8)),
                "not an image");
        assertClientError(http.post("/v1/search/image", "image/png", new byte[0]), "no image");
        assertRefusal(http.post("/v1/search/image", "image/png", new byte[MAX_UPLOAD + 1]), 413,
                "upload too large: " + (MAX_UPLOAD + 1) + " bytes, the limit is " + MAX_UPLOAD + " bytes");
        assertClientError(http.post("/v1/search/image", "application/json", png), "image/*");
        assertClientError(http.post("/v1/search/image", null, png), "content type");
        assertClientError(http.post("/v1/search/image?k=-1", "image/png", png), "k must be between");
        assertClientError(http.post("/v1/search/image", "image/png", pngDeclaring(50_000, 50_000)), "image too large");
        byte[] corrupt = java.util.Arrays.copyOf(png, 64);
        java.util.Arrays.fill(corrupt, 16, 64, (byte) 7); // a PNG signature, then garbage
        assertClientError(http.post("/v1/search/image", "image/png", corrupt), "not an image");

        assertClientError(http.post("/v1/search/image", "multipart/form-data; boundary=b",
                "--b\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n--b--\r\n"
                        .getBytes(StandardCharsets.UTF_8)), "no file field");
        assertRefusal(http.post("/v1/search/image", "multipart/form-data; boundary=b",
                multipart("b", "file", new byte[MAX_UPLOAD + 1])), 413, "upload too large");
        assertClientError(http.post("/v1/search/image", "multipart/form-data", multipart("b", "file", png)), "boundary");
        assertClientError(http.post("/v1/search/image", "multipart/form-data; boundary=b",
                "garbage".getBytes(StandardCharsets.UTF_8)), "multipart");
    }

    @Test
    void wellFormedQueriesAnswerFromOneVersion() {
        Http.Response byText = http.get("/v1/search?text=" + first.name().replace(" ", "%20") + "&k=5");
        assertThat(byText.status()).isEqualTo(200);
        JsonNode body = byText.json();
        assertThat(body.path("version").asLong()).isZero();
        assertThat(body.path("results")).hasSize(5);
        assertThat(body.path("results").get(0).path("name").asText()).isNotEmpty();

        Http.Response byImage = http.post("/v1/search/image?k=3", "multipart/form-data; boundary=b",
                multipart("b", "file", first.renditions().get(0).png()));
        assertThat(byImage.status()).isEqualTo(200);
        assertThat(byImage.json().path("results")).hasSize(3);
        assertThat(byImage.json().path("results").get(0).has("captions")).isTrue();
    }

    @Test
    void unknownItemsAre404AndKnownOnesComeWithTheirImage() {
        Http.Response missing = http.get("/v1/items/no-such-emoji");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().path("error").asText()).contains("no-such-emoji");
        assertThat(http.get("/v1/items/no-such-emoji/image").status()).isEqualTo(404);

        Http.Response item = http.get("/v1/items/" + first.id());
        assertThat(item.status()).isEqualTo(200);
        assertThat(item.json().path("name").asText()).isEqualTo(first.name());
        assertThat(item.json().path("indexed_in_versions")).hasSize(1);
        Http.Response image = http.get(item.json().path("image").asText());
        assertThat(image.status()).isEqualTo(200);
        assertThat(image.contentType()).isEqualTo("image/png");
        assertThat(image.body()).isEqualTo(first.renditions().get(0).png());
    }

    @Test
    void aRepeatedQueryParameterIsA400NamingIt() {
        assertClientError(http.get("/v1/search?text=cat&k=5&text=dog"), "the query parameter 'text' is given more than once");
        assertClientError(http.post("/v1/search/image?k=1&k=2", "image/png", first.renditions().get(0).png()),
                "'k' is given more than once");
    }

    @Test
    void escapesThatAreNotUtf8AreA400AndMalformedOnesTooNeverA500() throws Exception {
        assertClientError(http.get("/v1/search?text=%ff"), "not UTF-8");
        assertClientError(http.get("/v1/items/%C3"), "not UTF-8");
        // not an escape at all: refused by the JDK server before any handler, still a 400
        assertThat(rawStatusLine("GET /v1/items/%zz HTTP/1.1")).contains(" 400 ");
    }

    @Test
    void plusIsASpaceInAQueryAndAPlusSignInAnItemId() {
        Http.Response spaced = http.get("/v1/search?text=red+apple&k=1");
        assertThat(spaced.status()).isEqualTo(200);
        assertThat(spaced.json().path("query").path("text").asText()).isEqualTo("red apple");
        assertThat(http.get("/v1/search?text=a%2Bb&k=1").json().path("query").path("text").asText()).isEqualTo("a+b");

        Http.Response plus = http.get("/v1/items/a+b");
        assertThat(plus.status()).isEqualTo(404);
        assertThat(plus.json().path("error").asText()).isEqualTo("unknown item 'a+b'");
        assertThat(http.get("/v1/items/a%20b").json().path("error").asText()).isEqualTo("unknown item 'a b'");
    }

    @Test
    void aWrongMethodIs405WithAllow() {
        Http.Response r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.url() + "/v1/search?text=cat"))
                .method("DELETE", java.net.http.HttpRequest.BodyPublishers.noBody()));
        assertThat(r.status()).isEqualTo(405);
        assertThat(r.json().path("error").asText()).contains("DELETE is not allowed here, use GET");
        assertThat(allowOf("/v1/search/image", "GET")).isEqualTo("POST");
        assertThat(allowOf("/v1/items/x", "PUT")).isEqualTo("GET");
    }

    @Test
    void otherMistakesAreNot500s() {
        assertThat(http.post("/v1/search?text=cat", "text/plain", new byte[0]).status()).isEqualTo(405);
        assertThat(http.get("/v1/search/image").status()).isEqualTo(405);
        assertThat(http.get("/v1/nothing-here").status()).isEqualTo(404);
        assertThat(http.get("/static/../../etc/passwd").status()).isEqualTo(404);
        assertThat(http.get("/v1/searchx?text=a").status()).isEqualTo(404);
        assertThat(http.get("/openapi.json").json().path("paths").has("/v1/search/image")).isTrue();
        assertThat(http.get("/").contentType()).startsWith("text/html");

        Http.Response notServing = new Http(idle.url()).get("/v1/search?text=cat");
        assertThat(notServing.status()).isEqualTo(503);
        assertThat(notServing.json().path("error").asText()).contains("no index is served");
    }

    static String allowOf(String path, String method) {
        try {
            java.net.http.HttpResponse<Void> r = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.url() + path))
                            .method(method, java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding());
            assertThat(r.statusCode()).isEqualTo(405);
            return r.headers().firstValue("Allow").orElse("");
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A request no HTTP client library would send (a malformed escape), written by hand. */
    static String rawStatusLine(String requestLine) throws Exception {
        java.net.URI uri = java.net.URI.create(server.url());
        try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
            socket.getOutputStream().write((requestLine + "\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
        }
    }

    /** A PNG whose header declares a huge picture: refused before decoding. */
    static byte[] pngDeclaring(int width, int height) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(17);
        ihdr.put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 6).put((byte) 0).put((byte) 0).put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(ihdr.array());
        out.write(ByteBuffer.allocate(4).putInt(13).array());
        out.write(ihdr.array());
        out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
        return out.toByteArray();
    }

    static byte[] multipart(String boundary, String field, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field
                + "\"; filename=\"x.png\"\r\nContent-Type: image/png\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(data);
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }
}
