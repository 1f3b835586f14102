package io.vilstream.schemas.registry;

import java.util.Objects;

import org.apache.avro.Schema;

/** One version of a subject as the registry holds it: subject, version, global id and schema. */
public record RegisteredSchema(String subject, int version, int id, Schema schema) {

    public RegisteredSchema {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(schema, "schema");
    }
}
