package io.vilstream.runtime.http;

import java.util.ArrayList;
import java.util.List;

/**
 * A request path split at {@code /} (empty segments dropped, so {@code /a//b/} is {@code [a, b]})
 * and each segment decoded by {@link PercentDecoder#pathSegment}: {@code %2F} inside a segment
 * stays inside it, {@code +} is a plus sign, an escape that is not UTF-8 is a 400.
 */
public final class PathSegments {

    private PathSegments() {
    }

    public static List<String> parse(String rawPath) {
        List<String> out = new ArrayList<>();
        if (rawPath == null) {
            return out;
        }
        for (String s : rawPath.split("/")) {
            if (!s.isEmpty()) {
                out.add(PercentDecoder.pathSegment(s));
            }
        }
        return out;
    }
}
