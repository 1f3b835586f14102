package io.vilstream.schemas.registry.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.vilstream.schemas.registry.CompatibilityLevel;
import io.vilstream.schemas.registry.CompatibilityResult;
import io.vilstream.schemas.registry.RegisteredSchema;
import io.vilstream.schemas.registry.SchemaRegistryException;
import io.vilstream.schemas.registry.core.SchemaRegistryCore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Confluent's REST API (the subset serializers and tools use) over a {@link SchemaRegistryCore}.
 * Every request gets an answer: JSON, or Confluent's {@code {"error_code":…, "message":…}} with
 * the same statuses and codes, including for malformed JSON, unknown paths and internal errors.
 */
final class RegistryHttpHandler implements HttpHandler {

    private static final Logger log = LoggerFactory.getLogger(RegistryHttpHandler.class);

    static final String V1_JSON = "application/vnd.schemaregistry.v1+json";
    static final String REGISTRY_JSON = "application/vnd.schemaregistry+json";
    static final String JSON = "application/json";
    /** Schemas are small; a body beyond this is a mistake or an attack, not a schema. */
    private static final int MAX_BODY_BYTES = 8 * 1024 * 1024;

    private final SchemaRegistryCore core;
    private final ObjectMapper json = new ObjectMapper();

    RegistryHttpHandler(SchemaRegistryCore core) {
        this.core = core;
    }

    /** A request-level error: an HTTP status with Confluent's body. */
    private static final class HttpError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;
        final int code;

        HttpError(int status, int code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }
    }

    @Override
    public void handle(HttpExchange exchange) {
        String contentType = responseType(exchange.getRequestHeaders().getFirst("Accept"));
        try (exchange) {
            int status = 200;
            JsonNode body;
            try {
                body = route(exchange);
            } catch (SchemaRegistryException e) {
                status = e.status();
                body = error(e.errorCode(), e.getMessage());
            } catch (HttpError e) {
                status = e.status;
                body = error(e.code, e.getMessage());
            } catch (RuntimeException e) {
                log.error("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
                status = 500;
                body = error(50001, "Internal error: " + e);
            }
            send(exchange, status, contentType, body);
        } catch (IOException e) {
            // the client went away mid-answer: nothing left to tell it
            log.debug("could not answer {} {}: {}", exchange.getRequestMethod(), exchange.getRequestURI(), e.toString());
        }
    }

    private JsonNode route(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        List<String> path = segments(exchange.getRequestURI().getRawPath());
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        int n = path.size();
        String first = n > 0 ? path.get(0) : "";

        if (n == 0) {
            allow(method, "GET");
            return json.createObjectNode();
        }
        if (first.equals("subjects")) {
            if (n == 1) {
                allow(method, "GET");
                return strings(core.subjects());
            }
            String subject = path.get(1);
            if (n == 2) {
                allow(method, "POST");
                RegisteredSchema found = core.lookup(subject, schemaText(readBody(exchange)));
                return registered(found);
            }
            if (path.get(2).equals("versions")) {
                if (n == 3 && method.equals("GET")) {
                    return ints(core.versions(subject));
                }
                if (n == 3) {
                    allow(method, "POST");
                    RegisteredSchema r = core.register(subject, schemaText(readBody(exchange)));
                    return json.createObjectNode().put("id", r.id());
                }
                if (n == 4) {
                    allow(method, "GET");
                    return registered(core.version(subject, path.get(3)));
                }
                if (n == 5 && path.get(4).equals("schema")) {
                    allow(method, "GET");
                    return json.readTree(core.version(subject, path.get(3)).schema().toString());
                }
            }
        }
        if (first.equals("schemas") && n >= 2) {
            if (n == 2 && path.get(1).equals("types")) {
                allow(method, "GET");
                return strings(List.of("AVRO"));
            }
            if (path.get(1).equals("ids") && (n == 3 || (n == 4 && path.get(3).equals("schema")))) {
                allow(method, "GET");
                int id = schemaId(path.get(2));
                String text = core.schemaTextById(id).orElseThrow(
                        () -> SchemaRegistryException.schemaNotFound("Schema " + id + " not found"));
                return n == 3 ? json.createObjectNode().put("schema", text) : json.readTree(text);
            }
        }
        if (first.equals("config") && n <= 2) {
            String subject = n == 2 ? path.get(1) : null;
            switch (method) {
                case "GET" -> {
                    CompatibilityLevel level;
                    if (subject == null) {
                        level = core.globalCompatibility();
                    } else if (core.subjectCompatibility(subject).isPresent()) {
                        level = core.subjectCompatibility(subject).get();
                    } else if ("true".equalsIgnoreCase(query.get("defaultToGlobal"))) {
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
                case "DELETE" -> {
                    if (subject == null) {
                        throw methodNotAllowed(method);
                    }
                    return json.createObjectNode().put("compatibilityLevel", core.deleteSubjectCompatibility(subject).name());
                }
                default -> throw methodNotAllowed(method);
            }
        }
        if (first.equals("compatibility") && n >= 4 && path.get(1).equals("subjects") && path.get(3).equals("versions")
                && n <= 5) {
            allow(method, "POST");
            String version = n == 5 ? path.get(4) : null;
            CompatibilityResult result = core.testCompatibility(path.get(2), version, schemaText(readBody(exchange)));
            ObjectNode answer = json.createObjectNode().put("is_compatible", result.compatible());
            if ("true".equalsIgnoreCase(query.get("verbose"))) {
                ArrayNode messages = answer.putArray("messages");
                result.messages().forEach(messages::add);
            }
            return answer;
        }
        throw new HttpError(404, 404, "HTTP 404 Not Found");
    }

    // --- request parsing ---

    private JsonNode readBody(HttpExchange exchange) throws IOException {
        byte[] bytes;
        try (InputStream in = exchange.getRequestBody()) {
            bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (bytes.length > MAX_BODY_BYTES) {
            throw new HttpError(413, 413, "Request body larger than " + MAX_BODY_BYTES + " bytes");
        }
        if (bytes.length == 0) {
            throw new HttpError(400, 400, "Request body is empty; a JSON object is expected");
        }
        try {
            JsonNode body = json.readTree(bytes);
            if (body == null || !body.isObject()) {
                throw new HttpError(400, 400, "Request body must be a JSON object");
            }
            return body;
        } catch (JsonProcessingException e) {
            throw new HttpError(400, 400, "Malformed JSON in the request body: " + e.getOriginalMessage());
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

    private static void allow(String method, String allowed) {
        if (!method.equals(allowed)) {
            throw methodNotAllowed(method);
        }
    }

    private static HttpError methodNotAllowed(String method) {
        return new HttpError(405, 405, "HTTP 405 Method " + method + " Not Allowed");
    }

    private static List<String> segments(String rawPath) {
        List<String> out = new ArrayList<>();
        if (rawPath == null) {
            return out;
        }
        for (String s : rawPath.split("/")) {
            if (!s.isEmpty()) {
                // a path segment is not a form: '+' is a plus sign, not a space
                out.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static Map<String, String> query(String rawQuery) {
        Map<String, String> out = new HashMap<>();
        if (rawQuery == null) {
            return out;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(key, value);
        }
        return out;
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

    private ObjectNode error(int code, String message) {
        return json.createObjectNode().put("error_code", code).put("message", message);
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

    private void send(HttpExchange exchange, int status, String contentType, JsonNode body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
