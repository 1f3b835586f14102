package io.vilstream.runtime.http;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict percent-decoding of URI components, one rule for every API:
 *
 * <ul>
 *   <li>in a <b>query string</b> (names and values) {@code +} is a space, as HTML forms and
 *       {@code URLSearchParams} encode it; a literal plus is {@code %2B};</li>
 *   <li>in a <b>path segment</b> {@code +} is a plus sign (RFC 3986 gives it no other meaning
 *       there), so {@code /subjects/a+b} and {@code /v1/items/a+b} name {@code a+b};</li>
 *   <li>escapes must decode to UTF-8; anything else is a 400 naming the component. (An escape
 *       that is not {@code %} and two hex digits never gets here: the JDK server refuses such a
 *       request line with its own 400 before any handler runs.)</li>
 * </ul>
 *
 * {@link java.net.URLDecoder} is not used: it throws {@link IllegalArgumentException} on some
 * malformed input and silently turns invalid UTF-8 into U+FFFD on the rest.
 */
public final class PercentDecoder {

    private PercentDecoder() {
    }

    /** A query string's name or value: {@code +} is a space. */
    public static String queryComponent(String raw) {
        return decode(raw, true, "the query");
    }

    /** One path segment (no {@code /} inside): {@code +} is a plus sign. */
    public static String pathSegment(String raw) {
        return decode(raw, false, "the path");
    }

    private static String decode(String raw, boolean plusIsSpace, String where) {
        if (raw.indexOf('%') < 0) {
            return plusIsSpace ? raw.replace('+', ' ') : raw;
        }
        StringBuilder out = new StringBuilder(raw.length());
        ByteBuffer escaped = ByteBuffer.allocate(raw.length() / 3 + 1);
        int i = 0;
        while (i < raw.length()) {
            char c = raw.charAt(i);
            if (c != '%') {
                out.append(plusIsSpace && c == '+' ? ' ' : c);
                i++;
                continue;
            }
            escaped.clear();
            while (i < raw.length() && raw.charAt(i) == '%') {
                int hi = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
                int lo = hi < 0 ? -1 : Character.digit(raw.charAt(i + 2), 16);
                if (lo < 0) {
                    throw HttpException.badRequest("malformed percent-encoding in " + where + ": '" + raw + "'");
                }
                escaped.put((byte) (hi << 4 | lo));
                i += 3;
            }
            escaped.flip();
            try {
                CharBuffer text = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(escaped);
                out.append(text);
            } catch (CharacterCodingException e) {
                throw HttpException.badRequest("percent-encoding in " + where + " is not UTF-8: '" + raw + "'");
            }
        }
        return out.toString();
    }
}
