package io.vilstream.retriever.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.vilstream.runtime.http.HttpException;

/**
 * A {@code multipart/form-data} body (RFC 7578) split into its parts: enough for a browser's
 * file upload, with every malformation reported as a client mistake.
 */
public final class MultipartForm {

    /** One part: its form field name, file name (if a file), content type and bytes. */
    public record Part(String name, String filename, String contentType, byte[] data) {
    }

    private final List<Part> parts;

    private MultipartForm(List<Part> parts) {
        this.parts = List.copyOf(parts);
    }

    public List<Part> parts() {
        return parts;
    }

    /** The part named {@code name}, else the first part that carries a file. */
    public Optional<Part> file(String name) {
        return parts.stream().filter(p -> name.equals(p.name())).findFirst()
                .or(() -> parts.stream().filter(p -> p.filename() != null).findFirst());
    }

    /** The boundary parameter of a multipart content type. */
    public static String boundary(String contentType) {
        for (String param : contentType.split(";")) {
            String p = param.trim();
            if (p.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
                String b = p.substring("boundary=".length()).trim();
                if (b.length() >= 2 && b.startsWith("\"") && b.endsWith("\"")) {
                    b = b.substring(1, b.length() - 1);
                }
                if (b.isEmpty() || b.length() > 200) {
                    break;
                }
                return b;
            }
        }
        throw HttpException.badRequest("multipart/form-data needs a boundary parameter");
    }

    public static MultipartForm parse(byte[] body, String boundary) {
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        int pos = indexOf(body, delimiter, 0);
        if (pos < 0) {
            throw HttpException.badRequest("multipart body does not contain its boundary");
        }
        List<Part> parts = new ArrayList<>();
        while (true) {
            pos += delimiter.length;
            if (pos + 2 <= body.length && body[pos] == '-' && body[pos + 1] == '-') {
                break; // closing delimiter
            }
            pos = skipLineEnd(body, pos);
            int headersEnd = indexOf(body, new byte[] {'\r', '\n', '\r', '\n'}, pos);
            if (headersEnd < 0) {
                throw HttpException.badRequest("multipart part without a header end");
            }
            String headers = new String(body, pos, headersEnd - pos, StandardCharsets.UTF_8);
            int dataStart = headersEnd + 4;
            byte[] next = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
            int dataEnd = indexOf(body, next, dataStart);
            if (dataEnd < 0) {
                throw HttpException.badRequest("multipart part is not terminated by its boundary");
            }
            byte[] data = java.util.Arrays.copyOfRange(body, dataStart, dataEnd);
            parts.add(part(headers, data));
            pos = dataEnd + 2;
        }
        return new MultipartForm(parts);
    }

    private static Part part(String headers, byte[] data) {
        String name = null;
        String filename = null;
        String type = null;
        for (String line : headers.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            if (key.equals("content-disposition")) {
                name = param(value, "name");
                filename = param(value, "filename");
            } else if (key.equals("content-type")) {
                type = value;
            }
        }
        return new Part(name, filename, type, data);
    }

    private static String param(String header, String key) {
        for (String p : header.split(";")) {
            String t = p.trim();
            int eq = t.indexOf('=');
            if (eq > 0 && t.substring(0, eq).trim().equalsIgnoreCase(key)) {
                String v = t.substring(eq + 1).trim();
                return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
            }
        }
        return null;
    }

    private static int skipLineEnd(byte[] b, int pos) {
        if (pos + 1 < b.length && b[pos] == '\r' && b[pos + 1] == '\n') {
            return pos + 2;
        }
        throw HttpException.badRequest("malformed multipart body");
    }

    static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = Math.max(0, from); i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
