package io.vilstream.schemas.serde;

import java.util.Objects;

import org.apache.kafka.common.errors.SerializationException;

/**
 * Why a record could not be turned into Confluent-wire-format bytes or back, as a
 * {@link Reason} a caller can branch on (the stream encoder sends bad input to the DLQ with it).
 * Extends Kafka's {@link SerializationException}, so Kafka's own error handling (Streams'
 * deserialization exception handler, a consumer's poll) sees the usual type.
 */
public class WireFormatException extends SerializationException {

    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Reason {
        /** A zero-length payload: not even the magic byte. */
        EMPTY_PAYLOAD,
        /** The first byte is not Confluent's magic byte 0. */
        UNKNOWN_MAGIC_BYTE,
        /** Fewer than the 5 header bytes (magic byte + 4-byte schema id). */
        TRUNCATED_HEADER,
        /** The registry does not know the schema id in the header. */
        UNKNOWN_SCHEMA_ID,
        /** The Avro body ends early or is not valid Avro binary for the writer schema. */
        TRUNCATED_AVRO,
        /** The Avro body decoded, but bytes are left over: the payload is not what its header claims. */
        TRAILING_BYTES,
        /** The writer schema cannot be resolved to the reader's (the generated class), or is not valid Avro. */
        INCOMPATIBLE_WRITER,
        /** The registry could not be reached, or kept failing, after the bounded retries. */
        REGISTRY_UNAVAILABLE,
        /** The registry refused the request (409 incompatible, 422 invalid, 401/403, ...). */
        REGISTRY_REJECTED,
        /** {@code auto.register.schemas=false} and the schema is not registered under the subject. */
        SCHEMA_NOT_REGISTERED,
        /** {@code use.latest.version=true}, but the subject's latest schema cannot hold this record. */
        INCOMPATIBLE_LATEST_SCHEMA,
        /** The record itself cannot be encoded (a required field is null, a value of the wrong type). */
        INVALID_RECORD
    }

    private final Reason reason;
    private final String topic;
    private final Integer schemaId;

    public WireFormatException(Reason reason, String topic, Integer schemaId, String detail, Throwable cause) {
        super(message(reason, topic, schemaId, detail), cause);
        this.reason = Objects.requireNonNull(reason);
        this.topic = topic;
        this.schemaId = schemaId;
    }

    public Reason reason() {
        return reason;
    }

    /** The topic, when the caller gave one. */
    public String topic() {
        return topic;
    }

    /** The schema id from the header or the registry, when known. */
    public Integer schemaId() {
        return schemaId;
    }

    private static String message(Reason reason, String topic, Integer schemaId, String detail) {
        StringBuilder m = new StringBuilder(reason.name()).append(": ").append(detail);
        if (topic != null) {
            m.append(" (topic ").append(topic);
            m.append(schemaId != null ? ", schema id " + schemaId + ")" : ")");
        } else if (schemaId != null) {
            m.append(" (schema id ").append(schemaId).append(')');
        }
        return m.toString();
    }
}
