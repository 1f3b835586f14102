package io.vilstream.modelstore;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.vilstream.schemas.avro.ModelStatus;
import io.vilstream.schemas.avro.ModelVersion;

/**
 * The state of one model's versions as the versions topic tells it: the latest record of every
 * version. Rules: the served version is the highest version whose latest status is PROMOTED;
 * version numbers are never reused, so the next one is above every version ever recorded.
 * Not thread-safe; owners copy or synchronise.
 */
public final class ModelRegistryState {

    private final String model;
    private final TreeMap<Long, ModelVersion> versions = new TreeMap<>();
    private long highestEverSeen = -1;

    public ModelRegistryState(String model) {
        this.model = model;
    }

    /** Applies one record of the versions topic (a null value is a retention tombstone). */
    public void apply(String key, ModelVersion value) {
        if (key == null || !key.startsWith(ModelKeys.modelPrefix(model))) {
            return;
        }
        long version;
        try {
            version = Long.parseLong(key.substring(ModelKeys.modelPrefix(model).length()));
        } catch (NumberFormatException e) {
            return; // not a version key of this model
        }
        highestEverSeen = Math.max(highestEverSeen, version);
        if (value == null) {
            versions.remove(version);
        } else {
            versions.put(version, value);
        }
    }

    public String model() {
        return model;
    }

    public Optional<ModelVersion> served() {
        return versions.descendingMap().values().stream()
                .filter(v -> v.getStatus() == ModelStatus.PROMOTED)
                .findFirst();
    }

    public Optional<ModelVersion> get(long version) {
        return Optional.ofNullable(versions.get(version));
    }

    /** The number the next version must take: above every version ever recorded. */
    public long nextVersion() {
        return Math.max(1, highestEverSeen + 1);
    }

    public Optional<ModelVersion> newest() {
        return versions.isEmpty() ? Optional.empty() : Optional.of(versions.lastEntry().getValue());
    }

    /** All retained versions, oldest first. */
    public List<ModelVersion> all() {
        return List.copyOf(versions.values());
    }

    public Map<Long, ModelVersion> asMap() {
        return Collections.unmodifiableMap(versions);
    }

    public ModelRegistryState copy() {
        ModelRegistryState c = new ModelRegistryState(model);
        c.versions.putAll(versions);
        c.highestEverSeen = highestEverSeen;
        return c;
    }
}
