package io.vilstream.schemas.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.vilstream.schemas.contract.AvroContracts;
import io.vilstream.schemas.contract.TrustedPackages;
import io.vilstream.schemas.registry.CompatibilityResult;
import io.vilstream.schemas.registry.RegisteredSchema;
import io.vilstream.schemas.registry.SchemaRegistryClient;
import io.vilstream.schemas.registry.SchemaRegistryException;
import io.vilstream.schemas.registry.core.CompatibilityChecker;
import io.vilstream.schemas.serde.WireFormatException.Reason;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes a generated Avro record in Confluent's wire format: byte 0, the 4-byte big-endian
 * schema id, then plain Avro binary. The id is the one the registry gives the record's
 * {@code .avsc} contract under the configured subject ({@link AvroContracts}), registered on
 * first use unless {@code auto.register.schemas=false}. With {@code use.latest.version=true} the
 * record is written with the subject's latest schema instead, after resolving it into that schema.
 *
 * <p>Thread-safe once configured; ids are cached per subject. A null record serializes to null.
 */
public final class AvroSerializer<T extends SpecificRecord> implements Serializer<T> {

    static final byte MAGIC_BYTE = 0;

    private final Class<T> type;
    /** What is registered: the .avsc contract, without the Java-only string properties. */
    private final Schema contract;
    /** What the record is written with: the generated schema (same binary form as the contract). */
    private final DatumWriter<T> writer;
    private final SchemaRegistryClient injectedClient;

    private volatile Configured configured;
    private final Map<String, Integer> idsBySubject = new ConcurrentHashMap<>();
    private final Map<String, LatestTarget> latestBySubject = new ConcurrentHashMap<>();

    private record Configured(SchemaRegistryClient client, boolean ownsClient, boolean isKey,
                              SubjectNameStrategy strategy, boolean autoRegister, boolean useLatest,
                              Optional<Duration> latestTtl) {
    }

    /** How to write into a subject's latest schema. */
    private record LatestTarget(int id, boolean sameAsRecord, GenericDatumReader<Object> resolver,
                                GenericDatumWriter<Object> writer, long fetchedAtNanos) {
    }

    /** A serializer that builds its registry client from {@code configure()}'s map. */
    public AvroSerializer(Class<T> type) {
        this(type, null);
    }

    /** A serializer that uses the given client (shared caches, tests); configure() still reads the other keys. */
    public AvroSerializer(Class<T> type, SchemaRegistryClient client) {
        TrustedPackages.install();
        this.type = Objects.requireNonNull(type, "type");
        this.contract = AvroContracts.schemaOf(type);
        SpecificData data = SpecificData.getForClass(type);
        this.writer = new SpecificDatumWriter<>(data.getSchema(type), data);
        this.injectedClient = client;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        AvroSerdeConfig config = new AvroSerdeConfig(configs);
        SchemaRegistryClient client = injectedClient != null ? injectedClient
                : SchemaRegistryClient.create(config.registryClientConfig());
        configure(config, isKey, client, injectedClient == null);
    }

    void configure(AvroSerdeConfig config, boolean isKey, SchemaRegistryClient client, boolean ownsClient) {
        this.configured = new Configured(client, ownsClient, isKey, config.subjectNameStrategy(isKey),
                config.autoRegisterSchemas(), config.useLatestVersion(), config.latestCacheTtl());
        idsBySubject.clear();
        latestBySubject.clear();
    }

    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        Configured c = requireConfigured();
        String subject = c.strategy().subject(topic, c.isKey(), contract);
        if (c.useLatest()) {
            LatestTarget target = latest(c, topic, subject);
            if (target.sameAsRecord()) {
                return encode(topic, target.id(), record, writer);
            }
            Object resolved = resolveInto(topic, target, record);
            return encode(topic, target.id(), resolved, target.writer());
        }
        return encode(topic, idFor(c, topic, subject), record, writer);
    }

    /** The record type this serializer writes. */
    public Class<T> type() {
        return type;
    }

    /** The schema it registers (the .avsc contract). */
    public Schema schema() {
        return contract;
    }

    @Override
    public void close() {
        Configured c = configured;
        if (c != null && c.ownsClient()) {
            c.client().close();
        }
    }

    private int idFor(Configured c, String topic, String subject) {
        Integer cached = idsBySubject.get(subject);
        if (cached != null) {
            return cached;
        }
        int id;
        try {
            id = c.autoRegister() ? c.client().register(subject, contract) : c.client().idOf(subject, contract);
        } catch (SchemaRegistryException e) {
            throw registryFailure(topic, subject, e, !c.autoRegister());
        }
        idsBySubject.put(subject, id);
        return id;
    }

    private LatestTarget latest(Configured c, String topic, String subject) {
        LatestTarget cached = latestBySubject.get(subject);
        if (cached != null && c.latestTtl().map(ttl -> System.nanoTime() - cached.fetchedAtNanos() < ttl.toNanos())
                .orElse(true)) {
            return cached;
        }
        RegisteredSchema latest;
        try {
            latest = c.client().latest(subject);
        } catch (SchemaRegistryException e) {
            throw registryFailure(topic, subject, e, true);
        }
        Schema target = latest.schema();
        boolean same = SchemaNormalization.toParsingForm(target).equals(SchemaNormalization.toParsingForm(contract));
        LatestTarget fresh;
        if (same) {
            fresh = new LatestTarget(latest.id(), true, null, null, System.nanoTime());
        } else {
            CompatibilityResult canRead = CompatibilityChecker.canRead(target, contract);
            if (!canRead.compatible()) {
                throw new WireFormatException(Reason.INCOMPATIBLE_LATEST_SCHEMA, topic, latest.id(),
                        "the latest schema of subject '" + subject + "' (version " + latest.version() + ") cannot hold a "
                                + type.getSimpleName() + ": " + canRead.messages(), null);
            }
            fresh = new LatestTarget(latest.id(), false, new GenericDatumReader<>(contract, target),
                    new GenericDatumWriter<>(target), System.nanoTime());
        }
        latestBySubject.put(subject, fresh);
        return fresh;
    }

    /** Schema resolution, as a reader of the latest schema would do it: write with ours, read with theirs. */
    private Object resolveInto(String topic, LatestTarget target, T record) {
        try {
            ByteArrayOutputStream own = new ByteArrayOutputStream(256);
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(own, null);
            writer.write(record, encoder);
            encoder.flush();
            return target.resolver().read(null, DecoderFactory.get().binaryDecoder(own.toByteArray(), null));
        } catch (IOException | RuntimeException e) {
            throw new WireFormatException(Reason.INVALID_RECORD, topic, target.id(),
                    "cannot resolve the " + type.getSimpleName() + " into the latest schema: " + e, e);
        }
    }

    private <V> byte[] encode(String topic, int id, V value, DatumWriter<V> datumWriter) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(MAGIC_BYTE);
        out.write(id >>> 24);
        out.write(id >>> 16);
        out.write(id >>> 8);
        out.write(id);
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            datumWriter.write(value, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            // a null in a required field, a value of the wrong type: Avro says NPE or ClassCastException
            throw new WireFormatException(Reason.INVALID_RECORD, topic, id,
                    "cannot encode the " + type.getSimpleName() + ": " + e, e);
        }
        return out.toByteArray();
    }

    private static WireFormatException registryFailure(String topic, String subject, SchemaRegistryException e,
                                                       boolean lookingUp) {
        if (e.isUnavailable()) {
            return new WireFormatException(Reason.REGISTRY_UNAVAILABLE, topic, null,
                    "schema registry unavailable for subject '" + subject + "': " + e.getMessage(), e);
        }
        if (lookingUp && e.status() == 404) {
            return new WireFormatException(Reason.SCHEMA_NOT_REGISTERED, topic, null,
                    "no such schema under subject '" + subject + "' and auto.register.schemas is off: " + e.getMessage(), e);
        }
        return new WireFormatException(Reason.REGISTRY_REJECTED, topic, null,
                "the schema registry refused subject '" + subject + "': " + e.getMessage(), e);
    }

    private Configured requireConfigured() {
        Configured c = configured;
        if (c == null) {
            throw new IllegalStateException("AvroSerializer<" + type.getSimpleName() + "> used before configure()");
        }
        return c;
    }
}
