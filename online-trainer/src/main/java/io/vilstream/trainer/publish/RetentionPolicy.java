package io.vilstream.trainer.publish;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;

import io.vilstream.schemas.avro.ModelVersion;

/**
 * Which versions a publication deletes: everything but the newest {@code keep} versions and the
 * served one. The newest version is always kept (keep ≥ 1), so the versions topic itself
 * remembers the highest number and numbering stays monotonic even after compaction.
 */
public record RetentionPolicy(int keep) {

    public RetentionPolicy {
        if (keep < 1) {
            throw new IllegalArgumentException("retention must keep at least the newest version");
        }
    }

    /**
     * @param versions every retained version, the one being published included
     * @param served   the served version after the publication, if any
     * @return the versions to tombstone
     */
    public List<ModelVersion> expired(List<ModelVersion> versions, OptionalLong served) {
        List<ModelVersion> newestFirst = new ArrayList<>(versions);
        newestFirst.sort(Comparator.comparingLong(ModelVersion::getVersion).reversed());
        List<ModelVersion> out = new ArrayList<>();
        for (int i = keep; i < newestFirst.size(); i++) {
            ModelVersion v = newestFirst.get(i);
            if (served.isEmpty() || v.getVersion() != served.getAsLong()) {
                out.add(v);
            }
        }
        return out;
    }
}
