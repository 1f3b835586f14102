package io.vilstream.retriever.eval;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A small client of the retriever's public JSON API, as an outside service would use it: for
 * {@code vilstream eval} and the benchmarks. Errors carry the API's message.
 */
public final class RetrieverClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public RetrieverClient(String baseUrl) {
        this.base = URI.create(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
    }

    /** One answer: the version that produced it and the ids, best first. */
    public record Answer(long version, List<String> ids) {
    }

    public Answer searchText(String text, int k) throws IOException, InterruptedException {
        return answer(send(HttpRequest.newBuilder(base.resolve("v1/search?k=" + k + "&text="
                + URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20"))).GET()));
    }

    public Answer searchImage(byte[] image, String mediaType, int k) throws IOException, InterruptedException {
        return answer(send(HttpRequest.newBuilder(base.resolve("v1/search/image?k=" + k))
                .header("Content-Type", mediaType).POST(HttpRequest.BodyPublishers.ofByteArray(image))));
    }

    public JsonNode status() throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve("v1/status")).GET());
    }

    private JsonNode send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = http.send(request.timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        JsonNode body;
        try {
            body = JSON.readTree(r.body());
        } catch (IOException e) {
            throw new IOException("the retriever at " + base + " answered " + r.statusCode() + " with no JSON", e);
        }
        if (r.statusCode() != 200) {
            throw new IOException("the retriever at " + base + " answered " + r.statusCode() + ": "
                    + body.path("error").asText(body.toString()));
        }
        return body;
    }

    private static Answer answer(JsonNode body) {
        List<String> ids = new ArrayList<>();
        body.path("results").forEach(r -> ids.add(r.path("id").asText()));
        return new Answer(body.path("version").asLong(), ids);
    }
}
