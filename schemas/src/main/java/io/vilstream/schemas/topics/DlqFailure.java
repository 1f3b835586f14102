package io.vilstream.schemas.topics;

import java.time.Instant;
import java.util.Objects;

/**
 * Why one record went to the dead-letter topic and where it came from: what
 * {@link DlqHeaders} writes into, and reads back from, the DLQ record's headers.
 *
 * @param stage         the processing step that rejected it (e.g. {@code decode}, {@code validate})
 * @param errorClass    the exception's class name, or a reason name such as {@code TRUNCATED_AVRO}
 * @param errorMessage  a human-readable message (truncated to {@link DlqHeaders#MAX_MESSAGE_CHARS})
 * @param sourceTopic   the topic the original record was read from
 * @param sourcePartition its partition
 * @param sourceOffset  its offset
 * @param failedAt      when it was rejected
 */
public record DlqFailure(String stage, String errorClass, String errorMessage, String sourceTopic,
                         int sourcePartition, long sourceOffset, Instant failedAt) {

    public DlqFailure {
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(errorClass, "errorClass");
        errorMessage = errorMessage == null ? "" : errorMessage;
        Objects.requireNonNull(sourceTopic, "sourceTopic");
        Objects.requireNonNull(failedAt, "failedAt");
    }

    /** A failure described by an exception: its class name and message. */
    public static DlqFailure of(String stage, Throwable error, String sourceTopic, int sourcePartition,
                                long sourceOffset, Instant failedAt) {
        return new DlqFailure(stage, error.getClass().getName(), String.valueOf(error.getMessage()), sourceTopic,
                sourcePartition, sourceOffset, failedAt);
    }
}
