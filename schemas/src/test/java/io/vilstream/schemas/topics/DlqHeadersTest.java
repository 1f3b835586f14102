package io.vilstream.schemas.topics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class DlqHeadersTest {

    private final DlqFailure failure = new DlqFailure("decode", "TRUNCATED_AVRO", "the Avro body does not decode",
            "vilstream.content.v1", 3, 1234L, Instant.parse("2026-01-01T12:00:00.123Z"));

    @Test
    void writesTheDocumentedHeadersAsText() {
        RecordHeaders headers = new RecordHeaders();
        DlqHeaders.write(headers, failure);
        assertThat(text(headers, "vilstream.dlq.stage")).isEqualTo("decode");
        assertThat(text(headers, "vilstream.dlq.error.class")).isEqualTo("TRUNCATED_AVRO");
        assertThat(text(headers, "vilstream.dlq.error.message")).isEqualTo("the Avro body does not decode");
        assertThat(text(headers, "vilstream.dlq.source.topic")).isEqualTo("vilstream.content.v1");
        assertThat(text(headers, "vilstream.dlq.source.partition")).isEqualTo("3");
        assertThat(text(headers, "vilstream.dlq.source.offset")).isEqualTo("1234");
        assertThat(text(headers, "vilstream.dlq.failed.at")).isEqualTo("2026-01-01T12:00:00.123Z");
    }

    @Test
    void readsBackWhatItWroteAndReplacesEarlierDlqHeaders() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("traceparent", "00-abc".getBytes(StandardCharsets.UTF_8));
        DlqHeaders.write(headers, new DlqFailure("validate", "X", "old", "t", 0, 0, Instant.EPOCH));
        DlqHeaders.write(headers, failure);
        assertThat(DlqHeaders.read(headers)).contains(failure);
        assertThat(headers.headers("vilstream.dlq.stage")).hasSize(1);
        assertThat(text(headers, "traceparent")).isEqualTo("00-abc");
    }

    @Test
    void aRecordWithoutTheHeadersIsNotADlqRecord() {
        assertThat(DlqHeaders.read(new RecordHeaders())).isEmpty();
        RecordHeaders bad = new RecordHeaders();
        DlqHeaders.write(bad, failure);
        bad.remove(DlqHeaders.SOURCE_OFFSET);
        bad.add(DlqHeaders.SOURCE_OFFSET, "twelve".getBytes(StandardCharsets.UTF_8));
        assertThat(DlqHeaders.read(bad)).isEmpty();
    }

    @Test
    void longMessagesAreCut() {
        RecordHeaders headers = new RecordHeaders();
        DlqHeaders.write(headers, DlqFailure.of("decode", new IllegalStateException("x".repeat(10_000)),
                "t", 0, 1, Instant.EPOCH));
        String message = text(headers, DlqHeaders.ERROR_MESSAGE);
        assertThat(message).hasSize(DlqHeaders.MAX_MESSAGE_CHARS).endsWith("…");
        assertThat(text(headers, DlqHeaders.ERROR_CLASS)).isEqualTo("java.lang.IllegalStateException");
    }

    private static String text(RecordHeaders headers, String name) {
        return new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
