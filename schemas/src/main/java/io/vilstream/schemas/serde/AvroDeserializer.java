package io.vilstream.schemas.serde;

import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import io.vilstream.schemas.contract.TrustedPackages;
import io.vilstream.schemas.registry.CompatibilityResult;
import io.vilstream.schemas.registry.SchemaRegistryClient;
import io.vilstream.schemas.registry.SchemaRegistryException;
import io.vilstream.schemas.registry.core.CompatibilityChecker;
import io.vilstream.schemas.serde.WireFormatException.Reason;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent-wire-format bytes into a generated Avro class. The writer schema comes from the
 * registry by the id in the header (cached) and is resolved against the class's schema, so data
 * written with an older or newer compatible schema reads correctly.
 *
 * <p>Without a class ({@link #generic()}, or the no-argument constructor Kafka uses for
 * {@code value.deserializer=io.vilstream.schemas.serde.AvroDeserializer}) it reads a
 * {@link GenericRecord} with the writer schema itself, as Confluent's deserializer does with
 * {@code specific.avro.reader=false}: any record on any topic, strings as {@code Utf8}, logical
 * types as their underlying values. A writer schema that is not a record is then an
 * {@link Reason#INCOMPATIBLE_WRITER}.
 *
 * <p>Every malformed input fails with a {@link WireFormatException} and its {@link Reason}, never
 * with another exception and never by hanging: Avro 1.12 checks declared lengths against the
 * bytes left before allocating, so a forged length cannot make it allocate gigabytes. A null
 * payload (a tombstone) reads as null; what a null means is the caller's business.
 */
public final class AvroDeserializer<T> implements Deserializer<T> {

    private static final int HEADER_BYTES = 5;
    /** Plans are per writer schema id; a flood of distinct ids should not grow the map without end. */
    private static final int PLAN_CACHE_LIMIT = 1_000;

    private final Class<T> type;
    /** Null for a generic deserializer: it reads with the writer schema. */
    private final SpecificData data;
    private final Schema readerSchema;
    private final SchemaRegistryClient injectedClient;
    private final Map<Integer, ReaderPlan<T>> plans = new ConcurrentHashMap<>();

    private volatile SchemaRegistryClient client;
    private volatile boolean ownsClient;

    /** How to read one writer schema: a resolving reader, or why it cannot be read. */
    private record ReaderPlan<T>(DatumReader<T> reader, String incompatibility) {
    }

    /** A generic deserializer (GenericRecord), for Kafka's class-name configuration; prefer {@link #generic()}. */
    @SuppressWarnings("unchecked")
    public AvroDeserializer() {
        this((Class<T>) GenericRecord.class, null, true);
    }

    public AvroDeserializer(Class<T> type) {
        this(type, null);
    }

    public AvroDeserializer(Class<T> type, SchemaRegistryClient client) {
        this(type, client, false);
    }

    private AvroDeserializer(Class<T> type, SchemaRegistryClient client, boolean generic) {
        TrustedPackages.install();
        this.type = Objects.requireNonNull(type, "type");
        if (!generic && !SpecificRecord.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException(type.getName() + " is not a generated Avro class; use AvroDeserializer.generic()");
        }
        this.data = generic ? null : SpecificData.getForClass(type);
        this.readerSchema = generic ? null : data.getSchema(type);
        this.injectedClient = client;
    }

    /** Reads any record as a {@link GenericRecord} with its writer schema; configure() builds the client. */
    public static AvroDeserializer<GenericRecord> generic() {
        return new AvroDeserializer<>();
    }

    /** As {@link #generic()}, on a given client (shared caches, tests); call configure() or use it at once. */
    public static AvroDeserializer<GenericRecord> generic(SchemaRegistryClient client) {
        AvroDeserializer<GenericRecord> d = new AvroDeserializer<>(GenericRecord.class, client, true);
        d.configure(client, false);
        return d;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        AvroSerdeConfig config = new AvroSerdeConfig(configs);
        SchemaRegistryClient c = injectedClient != null ? injectedClient
                : SchemaRegistryClient.create(config.registryClientConfig());
        configure(c, injectedClient == null);
    }

    void configure(SchemaRegistryClient client, boolean ownsClient) {
        this.client = client;
        this.ownsClient = ownsClient;
        plans.clear();
    }

    @Override
    public T deserialize(String topic, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        if (bytes.length == 0) {
            throw new WireFormatException(Reason.EMPTY_PAYLOAD, topic, null, "empty payload", null);
        }
        if (bytes[0] != AvroSerializer.MAGIC_BYTE) {
            throw new WireFormatException(Reason.UNKNOWN_MAGIC_BYTE, topic, null,
                    String.format("first byte is 0x%02x, Confluent's wire format starts with 0x00", bytes[0] & 0xff), null);
        }
        if (bytes.length < HEADER_BYTES) {
            throw new WireFormatException(Reason.TRUNCATED_HEADER, topic, null,
                    bytes.length + " bytes, fewer than the 5-byte header (magic byte + schema id)", null);
        }
        int id = ((bytes[1] & 0xff) << 24) | ((bytes[2] & 0xff) << 16) | ((bytes[3] & 0xff) << 8) | (bytes[4] & 0xff);
        ReaderPlan<T> plan = plan(topic, id);
        if (plan.incompatibility() != null) {
            throw new WireFormatException(Reason.INCOMPATIBLE_WRITER, topic, id,
                    "the writer schema cannot be read as " + type.getSimpleName() + ": " + plan.incompatibility(), null);
        }
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, HEADER_BYTES, bytes.length - HEADER_BYTES, null);
        T value;
        try {
            value = plan.reader().read(null, decoder);
        } catch (SecurityException e) {
            throw e; // Avro's class trust: a setup problem, not bad input
        } catch (IOException | RuntimeException e) {
            // EOFException, an invalid varint, a union or enum index out of range, a forged length
            throw new WireFormatException(Reason.TRUNCATED_AVRO, topic, id,
                    "the Avro body does not decode with the writer schema: " + e, e);
        }
        try {
            if (!decoder.isEnd()) {
                throw new WireFormatException(Reason.TRAILING_BYTES, topic, id,
                        "bytes left over after the " + type.getSimpleName() + " was decoded", null);
            }
        } catch (IOException e) {
            throw new WireFormatException(Reason.TRUNCATED_AVRO, topic, id, "cannot check the end of the payload: " + e, e);
        }
        return value;
    }

    /** The record type this deserializer reads. */
    public Class<T> type() {
        return type;
    }

    @Override
    public void close() {
        if (ownsClient && client != null) {
            client.close();
        }
    }

    private ReaderPlan<T> plan(String topic, int id) {
        ReaderPlan<T> plan = plans.get(id);
        if (plan != null) {
            return plan;
        }
        SchemaRegistryClient c = client;
        if (c == null) {
            throw new IllegalStateException("AvroDeserializer<" + type.getSimpleName() + "> used before configure()");
        }
        Schema writer;
        try {
            writer = c.schemaById(id);
        } catch (SchemaRegistryException e) {
            throw registryFailure(topic, id, e);
        }
        plan = data == null ? genericPlan(writer) : specificPlan(writer);
        if (plans.size() >= PLAN_CACHE_LIMIT) {
            plans.clear();
        }
        plans.put(id, plan);
        return plan;
    }

    private ReaderPlan<T> specificPlan(Schema writer) {
        CompatibilityResult readable = CompatibilityChecker.canRead(readerSchema, writer);
        return readable.compatible()
                ? new ReaderPlan<>(new SpecificDatumReader<>(writer, readerSchema, data), null)
                : new ReaderPlan<>(null, String.join("; ", readable.messages()));
    }

    /** The writer schema is the reader schema: nothing to resolve, only its kind to check. */
    private ReaderPlan<T> genericPlan(Schema writer) {
        if (writer.getType() != Schema.Type.RECORD) {
            return new ReaderPlan<>(null, "the writer schema is a " + writer.getType().getName()
                    + ", not a record");
        }
        return new ReaderPlan<>(new GenericDatumReader<>(writer, writer, GenericData.get()), null);
    }

    private static WireFormatException registryFailure(String topic, int id, SchemaRegistryException e) {
        if (e.isUnavailable()) {
            return new WireFormatException(Reason.REGISTRY_UNAVAILABLE, topic, id,
                    "cannot fetch the writer schema: " + e.getMessage(), e);
        }
        if (e.status() == 404) {
            return new WireFormatException(Reason.UNKNOWN_SCHEMA_ID, topic, id,
                    "the registry has no schema with this id: " + e.getMessage(), e);
        }
        if (e.errorCode() == SchemaRegistryException.INVALID_SCHEMA) {
            return new WireFormatException(Reason.INCOMPATIBLE_WRITER, topic, id,
                    "the registry's writer schema is not valid Avro: " + e.getMessage(), e);
        }
        return new WireFormatException(Reason.REGISTRY_REJECTED, topic, id,
                "the registry refused to give the writer schema: " + e.getMessage(), e);
    }
}
