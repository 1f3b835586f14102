package io.vilstream.schemas.topics;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The header contract of {@code vilstream.content.dlq.v1} (see schemas/DLQ.md): a DLQ record
 * keeps the original key and value bytes untouched and says why and where from in these
 * headers. All values are UTF-8 text, so any tool (kcat, the console consumer) can read them:
 * partition and offset as decimal numbers, the time as ISO-8601 UTC.
 */
public final class DlqHeaders {

    public static final String STAGE = "vilstream.dlq.stage";
    public static final String ERROR_CLASS = "vilstream.dlq.error.class";
    public static final String ERROR_MESSAGE = "vilstream.dlq.error.message";
    public static final String SOURCE_TOPIC = "vilstream.dlq.source.topic";
    public static final String SOURCE_PARTITION = "vilstream.dlq.source.partition";
    public static final String SOURCE_OFFSET = "vilstream.dlq.source.offset";
    public static final String FAILED_AT = "vilstream.dlq.failed.at";

    /** Every header name of the contract, in documentation order. */
    public static final List<String> ALL = List.of(STAGE, ERROR_CLASS, ERROR_MESSAGE, SOURCE_TOPIC,
            SOURCE_PARTITION, SOURCE_OFFSET, FAILED_AT);

    /** Messages beyond this are cut (with an ellipsis): a stack of causes must not bloat every DLQ record. */
    public static final int MAX_MESSAGE_CHARS = 2000;

    private DlqHeaders() {
    }

    /** Writes the failure into the headers, replacing earlier DLQ headers (a record re-sent to the DLQ). */
    public static Headers write(Headers headers, DlqFailure failure) {
        for (String name : ALL) {
            headers.remove(name);
        }
        put(headers, STAGE, failure.stage());
        put(headers, ERROR_CLASS, failure.errorClass());
        put(headers, ERROR_MESSAGE, truncate(failure.errorMessage()));
        put(headers, SOURCE_TOPIC, failure.sourceTopic());
        put(headers, SOURCE_PARTITION, Integer.toString(failure.sourcePartition()));
        put(headers, SOURCE_OFFSET, Long.toString(failure.sourceOffset()));
        put(headers, FAILED_AT, failure.failedAt().toString());
        return headers;
    }

    /** The failure the headers describe; empty when a header is missing or malformed (not a DLQ record). */
    public static Optional<DlqFailure> read(Headers headers) {
        Optional<String> stage = text(headers, STAGE);
        Optional<String> errorClass = text(headers, ERROR_CLASS);
        Optional<String> topic = text(headers, SOURCE_TOPIC);
        Optional<String> partition = text(headers, SOURCE_PARTITION);
        Optional<String> offset = text(headers, SOURCE_OFFSET);
        Optional<String> failedAt = text(headers, FAILED_AT);
        if (stage.isEmpty() || errorClass.isEmpty() || topic.isEmpty() || partition.isEmpty() || offset.isEmpty()
                || failedAt.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new DlqFailure(stage.get(), errorClass.get(), text(headers, ERROR_MESSAGE).orElse(""),
                    topic.get(), Integer.parseInt(partition.get()), Long.parseLong(offset.get()),
                    Instant.parse(failedAt.get())));
        } catch (NumberFormatException | DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static void put(Headers headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private static Optional<String> text(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? Optional.empty()
                : Optional.of(new String(h.value(), StandardCharsets.UTF_8));
    }

    static String truncate(String message) {
        if (message.length() <= MAX_MESSAGE_CHARS) {
            return message;
        }
        int end = MAX_MESSAGE_CHARS - 1;
        if (Character.isHighSurrogate(message.charAt(end - 1))) {
            end--; // never split a surrogate pair into invalid UTF-16
        }
        return message.substring(0, end) + "…";
    }
}
