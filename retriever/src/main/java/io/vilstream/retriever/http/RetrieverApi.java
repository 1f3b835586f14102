package io.vilstream.retriever.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import io.vilstream.model.image.ImageRejectedException;
import io.vilstream.retriever.RetrieverConfig.ApiLimits;
import io.vilstream.retriever.catalog.CatalogItem;
import io.vilstream.retriever.catalog.ContentCatalog;
import io.vilstream.retriever.index.ScoredId;
import io.vilstream.retriever.metrics.RetrieverMetrics;
import io.vilstream.retriever.search.SearchAnswer;
import io.vilstream.retriever.search.Searcher;
import io.vilstream.retriever.versions.VersionUnavailableException;
import io.vilstream.retriever.versions.VersionedIndexes;
import io.vilstream.runtime.http.AllowedMethods;
import io.vilstream.runtime.http.BodyReader;
import io.vilstream.runtime.http.ErrorFormat;
import io.vilstream.runtime.http.ErrorMapping;
import io.vilstream.runtime.http.HttpException;
import io.vilstream.runtime.http.OpsServer;
import io.vilstream.runtime.http.PercentDecoder;
import io.vilstream.runtime.http.QueryParameters;
import io.vilstream.runtime.http.ResponseWriter;

/**
 * The retriever's HTTP JSON API, added as routes to the service's {@link OpsServer} (one port
 * with {@code /metrics} and {@code /health}), plus the web page and the OpenAPI document:
 *
 * <ul>
 *   <li>{@code GET /v1/search?text=…&k=10}: text → images</li>
 *   <li>{@code POST /v1/search/image?k=10}: an image (raw {@code image/*} body, or
 *       {@code multipart/form-data} with a {@code file} field) → items and their captions</li>
 *   <li>{@code GET /v1/items/{id}}, {@code GET /v1/items/{id}/image}</li>
 *   <li>{@code GET /v1/status}; {@code GET /openapi.json}; {@code GET /} the page</li>
 * </ul>
 *
 * Every refusal is {@code {"error": message}}: client mistakes 400, an upload over the limit
 * 413, unknown items 404, a wrong method 405 (with {@code Allow}), no served index yet or every
 * worker busy 503; a 500 means a bug, never bad input, and says nothing of it. The plumbing
 * (query and path decoding, body limit, error mapping, timeouts) is runtime's
 * {@code io.vilstream.runtime.http}; the routes run on the server's worker pool, so
 * {@code /health} and {@code /metrics} answer while they are saturated.
 */
public final class RetrieverApi {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final String JSON_TYPE = "application/json; charset=utf-8";

    /** The retriever's one error shape: {@code {"error": message}}. */
    static final ErrorFormat ERRORS = new ErrorFormat() {
        @Override
        public Object body(HttpException error) {
            return Map.of("error", error.getMessage());
        }

        @Override
        public HttpException internalError() {
            return new HttpException(500, "internal error (details are in the server's log)");
        }
    };
    private static final ErrorMapping ERROR_MAPPING = new ErrorMapping(ERRORS);

    private final Searcher searcher;
    private final VersionedIndexes versions;
    private final ContentCatalog catalog;
    private final ApiLimits limits;
    private final RetrieverMetrics metrics;
    private final Supplier<Map<String, Object>> serviceStatus;
    private final WebAssets assets = new WebAssets();

    /**
     * @param serviceStatus extra fields of {@code /v1/status} (index type, topics, ...)
     */
    public RetrieverApi(Searcher searcher, VersionedIndexes versions, ContentCatalog catalog, ApiLimits limits,
                        RetrieverMetrics metrics, Supplier<Map<String, Object>> serviceStatus) {
        this.searcher = searcher;
        this.versions = versions;
        this.catalog = catalog;
        this.limits = limits;
        this.metrics = metrics;
        this.serviceStatus = serviceStatus;
    }

    /** Adds the routes to a running server (its worker pool runs them). */
    public void install(OpsServer server) {
        route(server, "/v1/search", this::searchText);
        route(server, "/v1/search/image", this::searchImage);
        route(server, "/v1/items/", this::items);
        route(server, "/v1/status", this::status);
        route(server, "/openapi.json", ex -> {
            AllowedMethods.require(ex.getRequestMethod(), "GET");
            ResponseWriter.send(ex, 200, JSON_TYPE, assets.bytes("openapi.json"));
        });
        route(server, "/", this::page);
    }

    private static void route(OpsServer server, String path, ErrorMapping.ExchangeHandler handler) {
        server.route(path, ERROR_MAPPING.guard(handler), ERROR_MAPPING.always(new HttpException(503, 503,
                "the retriever is busy: every request thread is taken and the queue is full; retry shortly",
                Map.of("Retry-After", "1"))));
    }

    // ---------------------------------------------------------------- search

    private void searchText(HttpExchange ex) throws IOException {
        requireExactPath(ex, "/v1/search");
        AllowedMethods.require(ex.getRequestMethod(), "GET");
        QueryParameters q = QueryParameters.parse(ex.getRequestURI().getRawQuery());
        String raw = q.get("text").orElse(null);
        if (raw == null) {
            throw HttpException.badRequest("the query parameter text is required, e.g. /v1/search?text=cat&k=10");
        }
        String text = raw.strip();
        if (text.isEmpty()) {
            throw HttpException.badRequest("text must not be empty");
        }
        if (text.length() > limits.maxTextChars()) {
            throw HttpException.badRequest("text has " + text.length() + " characters, at most " + limits.maxTextChars()
                    + " are allowed");
        }
        int k = k(q);
        SearchAnswer answer = timed("text", () -> searcher.byText(text, k));
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("type", "text");
        query.put("text", text);
        sendJson(ex, 200, answerJson(answer, query, k, false));
    }

    private void searchImage(HttpExchange ex) throws IOException {
        requireExactPath(ex, "/v1/search/image");
        AllowedMethods.require(ex.getRequestMethod(), "POST");
        int k = k(QueryParameters.parse(ex.getRequestURI().getRawQuery()));
        Upload upload = upload(ex);
        SearchAnswer answer = timed("image", () -> {
            try {
                return searcher.byImage(upload.bytes(), k);
            } catch (ImageRejectedException e) {
                throw rejection(e);
            }
        });
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("type", "image");
        query.put("bytes", upload.bytes().length);
        query.put("media_type", upload.mediaType());
        sendJson(ex, 200, answerJson(answer, query, k, true));
    }

    private record Upload(byte[] bytes, String mediaType) {
    }

    private Upload upload(HttpExchange ex) throws IOException {
        String type = Optional.ofNullable(ex.getRequestHeaders().getFirst("Content-Type")).orElse("").trim();
        String lower = type.toLowerCase(Locale.ROOT);
        boolean multipart = lower.startsWith("multipart/form-data");
        boolean raw = lower.startsWith("image/") || lower.startsWith("application/octet-stream");
        if (!multipart && !raw) {
            throw HttpException.badRequest("send the image as the request body with an image/* content type, or as "
                    + "multipart/form-data with a file field (got " + (type.isEmpty() ? "no content type" : type) + ")");
        }
        // a multipart body carries headers and boundaries around the file: allow for them
        long limit = multipart ? limits.maxUploadBytes() + 16L * 1024 : limits.maxUploadBytes();
        byte[] body = BodyReader.read(ex, limit, "upload");
        if (!multipart) {
            if (body.length == 0) {
                throw HttpException.badRequest("no image in the request body");
            }
            return new Upload(body, type);
        }
        MultipartForm form = MultipartForm.parse(body, MultipartForm.boundary(type));
        MultipartForm.Part file = form.file("file").orElseThrow(() -> HttpException.badRequest(
                "the multipart form has no file field"));
        if (file.data().length == 0) {
            throw HttpException.badRequest("the uploaded file is empty");
        }
        if (file.data().length > limits.maxUploadBytes()) {
            throw HttpException.payloadTooLarge("upload too large: " + file.data().length + " bytes, the limit is "
                    + limits.maxUploadBytes() + " bytes");
        }
        return new Upload(file.data(), file.contentType());
    }

    private static HttpException rejection(ImageRejectedException e) {
        return switch (e.reason()) {
            case NOT_AN_IMAGE, UNDECODABLE, EMPTY -> HttpException.badRequest("not an image: " + e.getMessage());
            case TOO_MANY_BYTES -> HttpException.payloadTooLarge("upload too large: " + e.getMessage());
            case TOO_MANY_PIXELS -> HttpException.badRequest("image too large: " + e.getMessage());
        };
    }

    private int k(QueryParameters q) {
        String raw = q.get("k").orElse(null);
        if (raw == null || raw.isBlank()) {
            return limits.defaultK();
        }
        int k;
        try {
            k = Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            throw HttpException.badRequest("k must be an integer between 1 and " + limits.maxK() + ", got '" + raw + "'");
        }
        if (k < 1 || k > limits.maxK()) {
            throw HttpException.badRequest("k must be between 1 and " + limits.maxK() + ", got " + k);
        }
        return k;
    }

    private SearchAnswer timed(String type, Supplier<SearchAnswer> call) {
        long t0 = System.nanoTime();
        try {
            SearchAnswer a = call.get();
            metrics.query(type, "ok", System.nanoTime() - t0);
            return a;
        } catch (HttpException e) {
            metrics.query(type, "client_error", 0);
            throw e;
        } catch (VersionUnavailableException e) {
            metrics.query(type, "unavailable", 0);
            throw HttpException.unavailable(e.getMessage());
        } catch (RuntimeException e) {
            metrics.query(type, "error", 0);
            throw e;
        }
    }

    private Map<String, Object> answerJson(SearchAnswer answer, Map<String, Object> query, int k, boolean captions) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("version", answer.version());
        out.put("query", query);
        out.put("k", k);
        out.put("took_ms", Math.round(answer.tookNanos() / 1e4) / 100.0);
        List<Map<String, Object>> results = new ArrayList<>();
        int rank = 1;
        for (ScoredId hit : answer.hits()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("rank", rank++);
            r.put("id", hit.id());
            r.put("score", Math.round(hit.score() * 1e6) / 1e6);
            Optional<CatalogItem> item = catalog.get(hit.id());
            r.put("name", item.map(CatalogItem::name).orElse(null));
            if (captions) {
                r.put("captions", item.map(i -> i.captions().stream().map(CatalogItem.Text::text).toList())
                        .orElse(List.of()));
            }
            r.put("image", item.map(i -> i.image() != null).orElse(false) ? imagePath(hit.id()) : null);
            results.add(r);
        }
        out.put("results", results);
        return out;
    }

    // ---------------------------------------------------------------- items

    private void items(HttpExchange ex) throws IOException {
        AllowedMethods.require(ex.getRequestMethod(), "GET");
        String rest = ex.getRequestURI().getRawPath().substring("/v1/items/".length());
        boolean image = rest.endsWith("/image");
        String rawId = image ? rest.substring(0, rest.length() - "/image".length()) : rest;
        if (rawId.isEmpty() || rawId.contains("/")) {
            throw HttpException.notFound("no such resource: " + ex.getRequestURI().getRawPath());
        }
        // a path segment: '+' is a plus sign, as in the registry's subjects (PercentDecoder)
        String id = PercentDecoder.pathSegment(rawId);
        Optional<CatalogItem> item = catalog.get(id);
        if (image) {
            CatalogItem i = item.filter(x -> x.image() != null).orElseThrow(() -> new HttpException(404,
                    "no image of item '" + id + "' is known"));
            ex.getResponseHeaders().set("Cache-Control", "max-age=300");
            ResponseWriter.send(ex, 200, i.mediaType() == null ? "application/octet-stream" : i.mediaType(), i.image());
            return;
        }
        List<Long> indexedIn = versions.heldVersions().stream()
                .filter(v -> versions.index(v).map(x -> x.contains(id)).orElse(false)).toList();
        if (item.isEmpty() && indexedIn.isEmpty()) {
            throw new HttpException(404, "unknown item '" + id + "'");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id);
        out.put("name", item.map(CatalogItem::name).orElse(null));
        out.put("captions", item.map(i -> i.captions().stream()
                .map(c -> Map.of("text", c.text(), "kind", c.kind())).toList()).orElse(List.of()));
        out.put("tags", item.map(CatalogItem::tags).orElse(List.of()));
        out.put("generated_tags", item.map(i -> i.generatedTags().stream()
                .map(t -> Map.of("tag", (Object) t.tag(), "score", (Object) t.score())).toList()).orElse(List.of()));
        out.put("tagger_version", item.map(CatalogItem::taggerVersion).orElse(null));
        out.put("attributes", item.map(CatalogItem::attributes).orElse(Map.of()));
        out.put("image", item.map(i -> i.image() != null).orElse(false) ? imagePath(id) : null);
        out.put("media_type", item.map(CatalogItem::mediaType).orElse(null));
        out.put("event_time", item.map(CatalogItem::eventTime).map(Object::toString).orElse(null));
        out.put("indexed_in_versions", indexedIn);
        sendJson(ex, 200, out);
    }

    private static String imagePath(String id) {
        return "/v1/items/" + java.net.URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20") + "/image";
    }

    // ---------------------------------------------------------------- status and page

    private void status(HttpExchange ex) throws IOException {
        requireExactPath(ex, "/v1/status");
        AllowedMethods.require(ex.getRequestMethod(), "GET");
        Map<String, Object> out = new LinkedHashMap<>();
        var served = versions.served().orElse(null);
        if (served == null) {
            out.put("served", null);
        } else {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("version", served.version());
            s.put("items", served.index().items());
            s.put("since", served.since().toString());
            out.put("served", s);
        }
        out.put("target", versions.target());
        out.put("caught_up", versions.caughtUp());
        out.put("decision", versions.lastDecision());
        out.put("versions", versions.versions().stream().map(v -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("version", v.version());
            m.put("role", v.role());
            m.put("items", v.items());
            m.put("pending_images", v.pendingImages());
            m.put("pending_texts", v.pendingTexts());
            m.put("coverage", v.coverage());
            m.put("towers", v.towers());
            return m;
        }).toList());
        Map<String, Object> switches = new LinkedHashMap<>();
        switches.put("count", versions.switchCount());
        switches.put("recent", versions.history().stream().map(e -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("from", e.from());
            m.put("to", e.to());
            m.put("kind", e.kind().name().toLowerCase(Locale.ROOT));
            m.put("reason", e.reason());
            m.put("items", e.items());
            m.put("at", e.at().toString());
            return m;
        }).toList());
        out.put("switches", switches);
        out.put("catalog", Map.of("items", catalog.size(), "bytes", catalog.bytes()));
        out.put("limits", Map.of("default_k", limits.defaultK(), "max_k", limits.maxK(),
                "max_text_chars", limits.maxTextChars(), "max_upload_bytes", limits.maxUploadBytes()));
        out.putAll(serviceStatus.get());
        sendJson(ex, 200, out);
    }

    private void page(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        AllowedMethods.require(ex.getRequestMethod(), "GET");
        if (path.equals("/") || path.equals("/index.html")) {
            ResponseWriter.send(ex, 200, "text/html; charset=utf-8", assets.bytes("index.html"));
            return;
        }
        if (path.startsWith("/static/")) {
            String name = path.substring("/static/".length());
            Optional<byte[]> asset = assets.find(name);
            if (asset.isPresent()) {
                ResponseWriter.send(ex, 200, WebAssets.contentType(name), asset.get());
                return;
            }
        }
        throw HttpException.notFound("no such resource: " + path);
    }

    // ---------------------------------------------------------------- plumbing

    private static void requireExactPath(HttpExchange ex, String path) {
        String p = ex.getRequestURI().getRawPath();
        if (!p.equals(path) && !p.equals(path + "/")) {
            throw HttpException.notFound("no such resource: " + p);
        }
    }

    private static void sendJson(HttpExchange ex, int status, Object body) throws IOException {
        ResponseWriter.send(ex, status, JSON_TYPE, JSON.writeValueAsBytes(body));
    }
}
