package io.vilstream.runtime.http;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A request's query string, parsed strictly: each parameter at most once (a repeated one is a
 * 400 naming it, rather than silently taking the first or the last), names and values decoded
 * by {@link PercentDecoder#queryComponent} ({@code +} is a space, bad escapes are a 400), a
 * parameter without {@code =} has the empty value, empty pairs ({@code a=1&&b=2}) are skipped
 * and an empty name is a 400.
 */
public final class QueryParameters {

    private static final QueryParameters NONE = new QueryParameters(Map.of());

    private final Map<String, String> values;

    private QueryParameters(Map<String, String> values) {
        this.values = values;
    }

    /** Parses a raw (still encoded) query string; null or empty is no parameters. */
    public static QueryParameters parse(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return NONE;
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : rawQuery.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = PercentDecoder.queryComponent(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : PercentDecoder.queryComponent(pair.substring(eq + 1));
            if (name.isEmpty()) {
                throw HttpException.badRequest("a query parameter has no name: '" + pair + "'");
            }
            if (out.putIfAbsent(name, value) != null) {
                throw HttpException.badRequest("the query parameter '" + name + "' is given more than once");
            }
        }
        return new QueryParameters(Collections.unmodifiableMap(out));
    }

    public Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name));
    }

    /** True when the parameter is present and {@code true} (any case), as Confluent's flags read. */
    public boolean flag(String name) {
        return "true".equalsIgnoreCase(values.get(name));
    }

    public Map<String, String> asMap() {
        return values;
    }
}
