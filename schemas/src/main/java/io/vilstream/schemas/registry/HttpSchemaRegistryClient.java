package io.vilstream.schemas.registry;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SchemaRegistryClient} over Confluent's REST API with the JDK's HTTP client.
 *
 * <p>Caches what never changes in a registry (id → schema, (subject, schema) → id and version),
 * so a serde asks once per schema. Connection failures and 5xx answers are retried with
 * exponential backoff ({@code max.retries} more attempts, moving to the next URL each time);
 * 4xx answers are final. Error bodies ({@code {"error_code":…, "message":…}}) become
 * {@link SchemaRegistryException}s with the status and code.
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {

    private static final Logger log = LoggerFactory.getLogger(HttpSchemaRegistryClient.class);

    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String ACCEPT =
            "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; q=0.9, application/json; q=0.5";
    /** Caches are an optimisation: beyond this many entries they start over rather than grow. */
    private static final int CACHE_LIMIT = 10_000;

    private final RegistryClientConfig config;
    private final List<URI> baseUrls;
    private final Optional<String> authorization;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();
    /** The URL that answered last: later requests start there. */
    private final AtomicInteger preferredUrl = new AtomicInteger();

    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<SubjectSchema, Integer> idsBySubjectSchema = new ConcurrentHashMap<>();
    private final Map<SubjectSchema, RegisteredSchema> versionsBySubjectSchema = new ConcurrentHashMap<>();

    private record SubjectSchema(String subject, String schema) {
    }

    public HttpSchemaRegistryClient(RegistryClientConfig config) {
        this.config = config;
        this.baseUrls = config.baseUrls();
        this.authorization = config.userInfo().or(config::userInfoFromUrls)
                .map(info -> "Basic " + Base64.getEncoder().encodeToString(info.getBytes(StandardCharsets.UTF_8)));
        this.http = HttpClient.newBuilder()
                .connectTimeout(config.connectTimeout())
                // the registry API is plain request/response; skip the h2c upgrade dance
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** A client for one URL with default timeouts and retries. */
    public static HttpSchemaRegistryClient of(String url) {
        return new HttpSchemaRegistryClient(RegistryClientConfig.of(url));
    }

    @Override
    public int register(String subject, Schema schema) {
        String text = schema.toString();
        SubjectSchema key = new SubjectSchema(subject, text);
        Integer cached = idsBySubjectSchema.get(key);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = send("POST", "/subjects/" + segment(subject) + "/versions", schemaBody(text));
        int id = requiredInt(answer, "id");
        remember(idsBySubjectSchema, key, id);
        remember(schemasById, id, schema);
        return id;
    }

    @Override
    public RegisteredSchema lookup(String subject, Schema schema) {
        String text = schema.toString();
        SubjectSchema key = new SubjectSchema(subject, text);
        RegisteredSchema cached = versionsBySubjectSchema.get(key);
        if (cached != null) {
            return cached;
        }
        RegisteredSchema found = registered(send("POST", "/subjects/" + segment(subject), schemaBody(text)), subject);
        remember(versionsBySubjectSchema, key, found);
        remember(idsBySubjectSchema, key, found.id());
        return found;
    }

    @Override
    public int idOf(String subject, Schema schema) {
        Integer cached = idsBySubjectSchema.get(new SubjectSchema(subject, schema.toString()));
        return cached != null ? cached : lookup(subject, schema).id();
    }

    @Override
    public Schema schemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = send("GET", "/schemas/ids/" + id, null);
        String type = answer.path("schemaType").asText("AVRO");
        if (!"AVRO".equalsIgnoreCase(type)) {
            throw new SchemaRegistryException(200, SchemaRegistryException.INVALID_SCHEMA,
                    "schema " + id + " is a " + type + " schema; only AVRO is supported");
        }
        Schema schema = parse(requiredText(answer, "schema"), "schema " + id);
        remember(schemasById, id, schema);
        return schema;
    }

    @Override
    public RegisteredSchema latest(String subject) {
        return registered(send("GET", "/subjects/" + segment(subject) + "/versions/latest", null), subject);
    }

    @Override
    public RegisteredSchema version(String subject, int version) {
        return registered(send("GET", "/subjects/" + segment(subject) + "/versions/" + version, null), subject);
    }

    @Override
    public List<String> subjects() {
        List<String> out = new ArrayList<>();
        send("GET", "/subjects", null).forEach(n -> out.add(n.asText()));
        return out;
    }

    @Override
    public List<Integer> versions(String subject) {
        List<Integer> out = new ArrayList<>();
        send("GET", "/subjects/" + segment(subject) + "/versions", null).forEach(n -> out.add(n.asInt()));
        return out;
    }

    @Override
    public CompatibilityLevel compatibility() {
        return level(send("GET", "/config", null));
    }

    @Override
    public Optional<CompatibilityLevel> compatibility(String subject) {
        try {
            return Optional.of(level(send("GET", "/config/" + segment(subject), null)));
        } catch (SchemaRegistryException e) {
            // 40408 today; registries before Confluent 7 answered 40401 for an unset subject level
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public void setCompatibility(CompatibilityLevel level) {
        send("PUT", "/config", json.createObjectNode().put("compatibility", level.name()));
    }

    @Override
    public void setCompatibility(String subject, CompatibilityLevel level) {
        send("PUT", "/config/" + segment(subject), json.createObjectNode().put("compatibility", level.name()));
    }

    @Override
    public CompatibilityResult testCompatibility(String subject, Schema schema) {
        JsonNode answer = send("POST", "/compatibility/subjects/" + segment(subject) + "/versions/latest?verbose=true",
                schemaBody(schema.toString()));
        List<String> messages = new ArrayList<>();
        answer.path("messages").forEach(m -> messages.add(m.asText()));
        return answer.path("is_compatible").asBoolean(false)
                ? CompatibilityResult.ok() : CompatibilityResult.incompatible(messages);
    }

    @Override
    public List<Integer> deleteSubject(String subject, boolean permanent) {
        forget(subject); // a registration after the delete must reach the registry again
        List<Integer> out = new ArrayList<>();
        send("DELETE", "/subjects/" + segment(subject) + (permanent ? "?permanent=true" : ""), null)
                .forEach(n -> out.add(n.asInt()));
        return out;
    }

    @Override
    public int deleteVersion(String subject, int version, boolean permanent) {
        forget(subject);
        JsonNode answer = send("DELETE", "/subjects/" + segment(subject) + "/versions/" + version
                + (permanent ? "?permanent=true" : ""), null);
        if (!answer.canConvertToInt()) {
            throw new SchemaRegistryException(200, -1, "the schema registry's answer is not a version: " + answer);
        }
        return answer.asInt();
    }

    /** Drops what is cached for the subject; ids stay cached (a soft delete keeps them resolvable). */
    private void forget(String subject) {
        idsBySubjectSchema.keySet().removeIf(k -> k.subject().equals(subject));
        versionsBySubjectSchema.keySet().removeIf(k -> k.subject().equals(subject));
    }

    // --- HTTP ---

    private JsonNode send(String method, String pathAndQuery, JsonNode body) {
        int attempts = config.maxRetries() + 1;
        int start = preferredUrl.get();
        SchemaRegistryException last = null;
        for (int attempt = 0; attempt < attempts; attempt++) {
            if (attempt > 0) {
                pause(backoff(attempt));
            }
            int index = Math.floorMod(start + attempt, baseUrls.size());
            URI url = URI.create(baseUrls.get(index) + pathAndQuery);
            try {
                HttpResponse<String> response = http.send(request(method, url, body),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    preferredUrl.set(index);
                    return readAnswer(status, response.body(), method, url);
                }
                SchemaRegistryException error = errorFrom(status, response.body(), method, url);
                if (status < 500) {
                    throw error; // the request itself is wrong: asking again cannot help
                }
                last = error;
            } catch (IOException e) {
                last = new SchemaRegistryException(SchemaRegistryException.NO_RESPONSE, -1,
                        "schema registry unreachable: " + method + " " + url + ": " + describe(e), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryException(SchemaRegistryException.NO_RESPONSE, -1,
                        "interrupted while calling the schema registry: " + method + " " + url, e);
            }
            log.debug("schema registry attempt {}/{} failed: {}", attempt + 1, attempts, last.getMessage());
        }
        throw new SchemaRegistryException(last.status(), last.errorCode(),
                last.getMessage() + " (gave up after " + attempts + (attempts == 1 ? " attempt)" : " attempts)"),
                last.getCause());
    }

    private HttpRequest request(String method, URI url, JsonNode body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(url)
                .timeout(config.requestTimeout())
                .header("Accept", ACCEPT);
        authorization.ifPresent(a -> b.header("Authorization", a));
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", CONTENT_TYPE);
            b.method(method, HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        }
        return b.build();
    }

    /** Exponential from retries.wait.ms, capped at retries.max.wait.ms. */
    Duration backoff(int attempt) {
        long wait = config.retryWait().toMillis();
        for (int i = 1; i < attempt && wait < config.maxRetryWait().toMillis(); i++) {
            wait *= 2;
        }
        return Duration.ofMillis(Math.min(wait, config.maxRetryWait().toMillis()));
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException(SchemaRegistryException.NO_RESPONSE, -1,
                    "interrupted while waiting to retry the schema registry", e);
        }
    }

    private JsonNode readAnswer(int status, String body, String method, URI url) {
        try {
            return json.readTree(body == null || body.isEmpty() ? "{}" : body);
        } catch (JsonProcessingException e) {
            throw new SchemaRegistryException(status, -1, "the schema registry answered " + method + " " + url
                    + " with a body that is not JSON: " + abbreviate(body), e);
        }
    }

    private SchemaRegistryException errorFrom(int status, String body, String method, URI url) {
        int code = status;
        String message = abbreviate(body);
        try {
            JsonNode error = json.readTree(body);
            if (error != null && error.isObject()) {
                code = error.path("error_code").asInt(status);
                message = error.path("message").asText(message);
            }
        } catch (JsonProcessingException e) {
            // not Confluent's error body (a proxy's HTML page, say): keep the raw text
        }
        return new SchemaRegistryException(status, code, message + " (HTTP " + status + " from " + method + " " + url + ")");
    }

    // --- answers ---

    private ObjectNode schemaBody(String schemaText) {
        return json.createObjectNode().put("schema", schemaText);
    }

    private RegisteredSchema registered(JsonNode answer, String subject) {
        String name = answer.path("subject").asText(subject);
        int id = requiredInt(answer, "id");
        Schema schema = parse(requiredText(answer, "schema"), "subject " + name);
        remember(schemasById, id, schema);
        return new RegisteredSchema(name, requiredInt(answer, "version"), id, schema);
    }

    private static CompatibilityLevel level(JsonNode answer) {
        String name = answer.path("compatibilityLevel").asText(answer.path("compatibility").asText(null));
        return CompatibilityLevel.parse(name).orElseThrow(() -> new SchemaRegistryException(200,
                SchemaRegistryException.INVALID_COMPATIBILITY_LEVEL, "unexpected compatibility answer " + answer));
    }

    private static int requiredInt(JsonNode answer, String field) {
        JsonNode n = answer.get(field);
        if (n == null || !n.canConvertToInt()) {
            throw new SchemaRegistryException(200, -1, "the schema registry's answer lacks '" + field + "': " + answer);
        }
        return n.asInt();
    }

    private static String requiredText(JsonNode answer, String field) {
        JsonNode n = answer.get(field);
        if (n == null || !n.isTextual()) {
            throw new SchemaRegistryException(200, -1, "the schema registry's answer lacks '" + field + "': " + answer);
        }
        return n.asText();
    }

    private static Schema parse(String text, String what) {
        try {
            return new Schema.Parser().parse(text);
        } catch (SchemaParseException e) {
            throw new SchemaRegistryException(200, SchemaRegistryException.INVALID_SCHEMA,
                    "the schema registry returned an invalid Avro schema for " + what + ": " + e.getMessage(), e);
        }
    }

    private static <K, V> void remember(Map<K, V> cache, K key, V value) {
        if (cache.size() >= CACHE_LIMIT) {
            cache.clear();
        }
        cache.put(key, value);
    }

    private static String segment(String pathSegment) {
        return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "";
        }
        return s.length() <= 300 ? s : s.substring(0, 300) + "…";
    }
}
