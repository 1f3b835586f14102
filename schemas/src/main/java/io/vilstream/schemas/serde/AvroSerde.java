package io.vilstream.schemas.serde;

import java.util.Map;
import java.util.Objects;

import io.vilstream.schemas.registry.SchemaRegistryClient;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * The Kafka {@link Serde} for one generated Avro class in Confluent's wire format: an
 * {@link AvroSerializer} and an {@link AvroDeserializer} sharing one registry client.
 *
 * <pre>{@code
 * Serde<ContentEvent> content = AvroSerde.forValues(ContentEvent.class,
 *         Map.of("schema.registry.url", "http://127.0.0.1:8081"));
 * }</pre>
 * or, where Kafka configures serdes itself: {@code new AvroSerde<>(ContentEvent.class)} then
 * {@code configure(config, isKey)}. See {@link AvroSerdeConfig} for the keys.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {

    private final AvroSerializer<T> serializer;
    private final AvroDeserializer<T> deserializer;
    private final SchemaRegistryClient injectedClient;
    private SchemaRegistryClient ownedClient;

    public AvroSerde(Class<T> type) {
        this(type, null);
    }

    /** A serde on a given client (shared caches across serdes, tests). */
    public AvroSerde(Class<T> type, SchemaRegistryClient client) {
        Objects.requireNonNull(type, "type");
        this.injectedClient = client;
        this.serializer = new AvroSerializer<>(type, client);
        this.deserializer = new AvroDeserializer<>(type, client);
    }

    /** A configured serde for record values. */
    public static <T extends SpecificRecord> AvroSerde<T> forValues(Class<T> type, Map<String, ?> config) {
        AvroSerde<T> serde = new AvroSerde<>(type);
        serde.configure(config, false);
        return serde;
    }

    /** A configured serde for record keys (subject {@code <topic>-key} by default). */
    public static <T extends SpecificRecord> AvroSerde<T> forKeys(Class<T> type, Map<String, ?> config) {
        AvroSerde<T> serde = new AvroSerde<>(type);
        serde.configure(config, true);
        return serde;
    }

    @Override
    public synchronized void configure(Map<String, ?> configs, boolean isKey) {
        AvroSerdeConfig config = new AvroSerdeConfig(configs);
        if (ownedClient != null) {
            ownedClient.close();
            ownedClient = null;
        }
        SchemaRegistryClient client = injectedClient;
        if (client == null) {
            ownedClient = SchemaRegistryClient.create(config.registryClientConfig());
            client = ownedClient;
        }
        // one client for both halves: the id the serializer registers is already cached for reading
        serializer.configure(config, isKey, client, false);
        deserializer.configure(client, false);
    }

    @Override
    public AvroSerializer<T> serializer() {
        return serializer;
    }

    @Override
    public AvroDeserializer<T> deserializer() {
        return deserializer;
    }

    @Override
    public synchronized void close() {
        if (ownedClient != null) {
            ownedClient.close();
            ownedClient = null;
        }
    }
}
