package io.vilstream.runtime.kafka;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.CommonClientConfigs;

/**
 * How every vilstream client reaches the cluster and the schema registry: the bootstrap
 * servers, the registry URL, and pass-through client properties (SASL/TLS settings from
 * {@code kafka.*} keys, registry credentials from {@code registry.*} keys). One place builds the
 * property maps of producers, consumers, admin clients, Streams apps and serdes, so security
 * settings reach all of them.
 */
public record KafkaSettings(String bootstrapServers, String registryUrl, Map<String, Object> clientProperties,
                            Map<String, Object> registryProperties) {

    public KafkaSettings {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrap servers must be set");
        }
        if (registryUrl == null || registryUrl.isBlank()) {
            throw new IllegalArgumentException("schema registry URL must be set");
        }
        clientProperties = Map.copyOf(clientProperties == null ? Map.of() : clientProperties);
        registryProperties = Map.copyOf(registryProperties == null ? Map.of() : registryProperties);
    }

    public static KafkaSettings of(String bootstrapServers, String registryUrl) {
        return new KafkaSettings(bootstrapServers, registryUrl, Map.of(), Map.of());
    }

    /** Properties every client gets: bootstrap plus the pass-through security settings. */
    public Map<String, Object> common() {
        Map<String, Object> p = new HashMap<>(clientProperties);
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return p;
    }

    /** Configuration for the Avro serdes (registry URL and credentials). */
    public Map<String, Object> serdeConfig() {
        Map<String, Object> p = new HashMap<>(registryProperties);
        p.put("schema.registry.url", registryUrl);
        return p;
    }

    public KafkaSettings withClientProperty(String key, Object value) {
        Map<String, Object> p = new HashMap<>(clientProperties);
        p.put(key, value);
        return new KafkaSettings(bootstrapServers, registryUrl, p, registryProperties);
    }
}
