package io.vilstream.schemas.registry.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.vilstream.runtime.http.AllowedMethods;
import io.vilstream.runtime.http.BodyReader;
import io.vilstream.runtime.http.ErrorFormat;
import io.vilstream.runtime.http.ErrorMapping;
import io.vilstream.runtime.http.GuardedHttpServer;
import io.vilstream.runtime.http.HealthCheck;
import io.vilstream.runtime.http.HttpException;
import io.vilstream.runtime.http.PathSegments;
import io.vilstream.runtime.http.QueryParameters;
import io.vilstream.runtime.http.ResponseWriter;
import io.vilstream.runtime.http.ServerLimits;
import io.vilstream.schemas.registry.CompatibilityLevel;
import io.vilstream.schemas.registry.CompatibilityResult;
import io.vilstream.schemas.registry.RegisteredSchema;
import io.vilstream.schemas.registry.SchemaRegistryException;
import io.vilstream.schemas.registry.core.SchemaRegistryCore;

/**
 * Confluent's REST API (the subset serializers and tools use) over a {@link SchemaRegistryCore},
 * on runtime's shared HTTP layer ({@link GuardedHttpServer}: query and path decoding, body
 * limit, timeouts). Every request gets an answer: JSON, or Confluent's
 * {@code {"error_code":…, "message":…}} with the same statuses and codes, including for
 * malformed JSON, unknown paths, wrong methods (405 with {@code Allow}) and internal errors
 * (50001, nothing of the exception in the answer).
 */
final class RegistryHttpHandler implements ErrorMapping.ExchangeHandler {

    static final String V1_JSON = "application/vnd.schemaregistry.v1+json";
    static final String REGISTRY_JSON = "application/vnd.schemaregistry+json";
    static final String JSON = "application/json";

    /** Confluent's error shape, in the JSON type the client accepts. */
    static final ErrorFormat CONFLUENT_ERRORS = new ErrorFormat() {
        @Override
        public Object body(HttpException error) {
            return Map.of("error_code", error.code(), "message", error.getMessage());
        }

        @Override
        public HttpException internalError() {
            return new HttpException(500, 50001, "Internal error; see the registry's log", Map.of());
        }

        @Override
        public String contentType(HttpExchange ex) {
            return responseType(ex.getRequestHeaders().getFirst("Accept"));
        }
    };

    /** The core once the store has been replayed; null before, when the API answers 503. */
    private final Supplier<SchemaRegistryCore> cores;
    private final int maxBodyBytes;
    private final ObjectMapper json = new ObjectMapper();

    RegistryHttpHandler(Supplier<SchemaRegistryCore> cores, int maxBodyBytes) {
        this.cores = cores;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** Serves a core that is ready (an in-memory one: tests), /health always up. */
    static GuardedHttpServer serve(SchemaRegistryCore core, String host, int port, ServerLimits limits, int maxBodyBytes)
            throws IOException {
        return serve(() -> core, () -> HealthCheck.Status.up("ready"), host, port, limits, maxBodyBytes);
    }

    /**
     * Serves the API of the core {@code cores} gives (503 / 50003 while it gives none) and
     * {@code GET /health} (200 when {@code health} is up, else 503; answered on the connection
     * threads, so a saturated API never fails the probe).
     */
    static GuardedHttpServer serve(Supplier<SchemaRegistryCore> cores, HealthCheck health, String host, int port,
                                   ServerLimits limits, int maxBodyBytes) throws IOException {
        GuardedHttpServer server = GuardedHttpServer.start("vilstream-registry-http", host, port, limits);
        ErrorMapping errors = new ErrorMapping(CONFLUENT_ERRORS, e -> e instanceof SchemaRegistryException r
                ? Optional.of(new HttpException(r.status(), r.errorCode(), r.getMessage(), Map.of()))
                : Optional.empty());
        server.route("/", errors.guard(new RegistryHttpHandler(cores, maxBodyBytes)), errors.always(
                new HttpException(503, 50003, "The registry is busy; retry", Map.of("Retry-After", "1"))));
        server.inlineRoute("/health", ex -> {
            if (!"GET".equals(ex.getRequestMethod())) {
                ex.getResponseHeaders().set("Allow", "GET");
                ResponseWriter.send(ex, 405, JSON, "{\"status\":\"use GET\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            HealthCheck.Status s;
            try {
                s = health.check();
            } catch (RuntimeException failure) {
                s = HealthCheck.Status.down("check failed: " + failure.getMessage());
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", s.up() ? "UP" : "DOWN");
            body.put("checks", Map.of("store", Map.of("status", s.up() ? "UP" : "DOWN", "detail", s.detail())));
            ResponseWriter.send(ex, s.up() ? 200 : 503, JSON, new ObjectMapper().writeValueAsBytes(body));
        });
        return server;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        JsonNode body = route(exchange);
        ResponseWriter.send(exchange, 200, CONFLUENT_ERRORS.contentType(exchange), json.writeValueAsBytes(body));
    }

    private JsonNode route(HttpExchange exchange) throws IOException {
        SchemaRegistryCore core = cores.get();
        if (core == null) {
            throw new HttpException(503, 50003, "The registry is starting: it is replaying its topic; retry",
                    Map.of("Retry-After", "1"));
        }
        return route(exchange, core);
    }

    private JsonNode route(HttpExchange exchange, SchemaRegistryCore core) throws IOException {
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        List<String> path = PathSegments.parse(exchange.getRequestURI().getRawPath());
        QueryParameters query = QueryParameters.parse(exchange.getRequestURI().getRawQuery());
        int n = path.size();
        String first = n > 0 ? path.get(0) : "";

        if (n == 0) {
            AllowedMethods.require(method, "GET");
            return json.createObjectNode();
        }
        if (first.equals("subjects")) {
            // ?deleted=true shows soft-deleted subjects and versions, ?permanent=true deletes for good (Confluent's flags)
            boolean deleted = query.flag("deleted");
            if (n == 1) {
                AllowedMethods.require(method, "GET");
                return strings(core.subjects(deleted));
            }
            String subject = path.get(1);
            if (n == 2) {
                AllowedMethods.require(method, "POST", "DELETE");
                if (method.equals("DELETE")) {
                    return ints(core.deleteSubject(subject, query.flag("permanent")));
                }
                RegisteredSchema found = core.lookup(subject, schemaText(readBody(exchange)), deleted);
                return registered(found);
            }
            if (path.get(2).equals("versions")) {
                if (n == 3) {
                    AllowedMethods.require(method, "GET", "POST");
                    if (method.equals("GET")) {
                        return ints(core.versions(subject, deleted));
                    }
                    RegisteredSchema r = core.register(subject, schemaText(readBody(exchange)));
                    return json.createObjectNode().put("id", r.id());
                }
                if (n == 4) {
                    AllowedMethods.require(method, "GET", "DELETE");
                    if (method.equals("DELETE")) {
                        return json.getNodeFactory().numberNode(
                                core.deleteVersion(subject, path.get(3), query.flag("permanent")));
                    }
                    return registered(core.version(subject, path.get(3), deleted));
                }
                if (n == 5 && path.get(4).equals("schema")) {
                    AllowedMethods.require(method, "GET");
                    return json.readTree(core.version(subject, path.get(3), deleted).schema().toString());
                }
            }
        }
        if (first.equals("schemas") && n >= 2) {
            if (n == 2 && path.get(1).equals("types")) {
                AllowedMethods.require(method, "GET");
                return strings(List.of("AVRO"));
            }
            if (path.get(1).equals("ids") && (n == 3 || (n == 4 && path.get(3).equals("schema")))) {
                AllowedMethods.require(method, "GET");
                int id = schemaId(path.get(2));
                String text = core.schemaTextById(id).orElseThrow(
                        () -> SchemaRegistryException.schemaNotFound("Schema " + id + " not found"));
                return n == 3 ? json.createObjectNode().put("schema", text) : json.readTree(text);
            }
        }
        if (first.equals("config") && n <= 2) {
            String subject = n == 2 ? path.get(1) : null;
            if (subject == null) {
                AllowedMethods.require(method, "GET", "PUT");
            } else {
                AllowedMethods.require(method, "GET", "PUT", "DELETE");
            }
            switch (method) {
                case "GET" -> {
                    CompatibilityLevel level;
                    if (subject == null) {
                        level = core.globalCompatibility();
                    } else if (core.subjectCompatibility(subject).isPresent()) {
                        level = core.subjectCompatibility(subject).get();
                    } else if (query.flag("defaultToGlobal")) {
                        level = core.globalCompatibility();
                    } else {
                        // Confluent's answer; clients such as @kafkajs/confluent-schema-registry rely on this 404
                        throw SchemaRegistryException.subjectCompatibilityNotConfigured(subject);
                    }
                    return json.createObjectNode().put("compatibilityLevel", level.name());
                }
                case "PUT" -> {
                    CompatibilityLevel level = compatibilityLevel(readBody(exchange));
                    if (subject == null) {
                        core.setGlobalCompatibility(level);
                    } else {
                        core.setSubjectCompatibility(subject, level);
                    }
                    return json.createObjectNode().put("compatibility", level.name());
                }
                default -> {
                    return json.createObjectNode().put("compatibilityLevel", core.deleteSubjectCompatibility(subject).name());
                }
            }
        }
        if (first.equals("compatibility") && n >= 4 && path.get(1).equals("subjects") && path.get(3).equals("versions")
                && n <= 5) {
            AllowedMethods.require(method, "POST");
            String version = n == 5 ? path.get(4) : null;
            CompatibilityResult result = core.testCompatibility(path.get(2), version, schemaText(readBody(exchange)));
            ObjectNode answer = json.createObjectNode().put("is_compatible", result.compatible());
            if (query.flag("verbose")) {
                ArrayNode messages = answer.putArray("messages");
                result.messages().forEach(messages::add);
            }
            return answer;
        }
        throw HttpException.notFound("HTTP 404 Not Found");
    }

    // --- request parsing ---

    private JsonNode readBody(HttpExchange exchange) throws IOException {
        byte[] bytes = BodyReader.read(exchange, maxBodyBytes, "request body");
        if (bytes.length == 0) {
            throw HttpException.badRequest("Request body is empty; a JSON object is expected");
        }
        try {
            JsonNode body = json.readTree(bytes);
            if (body == null || !body.isObject()) {
                throw HttpException.badRequest("Request body must be a JSON object");
            }
            return body;
        } catch (JsonProcessingException e) {
            throw HttpException.badRequest("Malformed JSON in the request body: " + e.getOriginalMessage());
        }
    }

    private static String schemaText(JsonNode body) {
        JsonNode type = body.get("schemaType");
        if (type != null && !type.isNull() && !"AVRO".equalsIgnoreCase(type.asText())) {
            throw SchemaRegistryException.invalidSchema("Unsupported schemaType '" + type.asText()
                    + "': this registry stores AVRO schemas only");
        }
        JsonNode references = body.get("references");
        if (references != null && references.isArray() && !references.isEmpty()) {
            throw SchemaRegistryException.invalidSchema("Schema references are not supported by this registry");
        }
        JsonNode schema = body.get("schema");
        if (schema == null || !schema.isTextual()) {
            throw SchemaRegistryException.invalidSchema("Invalid schema: the request needs a \"schema\" string field");
        }
        return schema.asText();
    }

    private static CompatibilityLevel compatibilityLevel(JsonNode body) {
        JsonNode level = body.has("compatibility") ? body.get("compatibility") : body.get("compatibilityLevel");
        String name = level == null || level.isNull() ? null : level.asText();
        return CompatibilityLevel.parse(name)
                .orElseThrow(() -> SchemaRegistryException.invalidCompatibilityLevel(String.valueOf(name)));
    }

    private static int schemaId(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw SchemaRegistryException.schemaNotFound("Schema " + text + " not found");
        }
    }

    // --- answers ---

    private ObjectNode registered(RegisteredSchema r) {
        return json.createObjectNode()
                .put("subject", r.subject())
                .put("version", r.version())
                .put("id", r.id())
                .put("schema", r.schema().toString());
    }

    private ArrayNode strings(List<String> values) {
        ArrayNode out = json.createArrayNode();
        values.forEach(out::add);
        return out;
    }

    private ArrayNode ints(List<Integer> values) {
        ArrayNode out = json.createArrayNode();
        values.forEach(out::add);
        return out;
    }

    /** The first of the registry's JSON types the client accepts; Confluent's v1 type by default. */
    static String responseType(String accept) {
        if (accept == null || accept.isBlank()) {
            return V1_JSON;
        }
        for (String part : accept.split(",")) {
            String type = part.split(";")[0].trim().toLowerCase(Locale.ROOT);
            if (type.equals(V1_JSON) || type.equals(REGISTRY_JSON) || type.equals(JSON)) {
                return type;
            }
            if (type.equals("*/*") || type.equals("application/*")) {
                return V1_JSON;
            }
        }
        return V1_JSON;
    }
}
