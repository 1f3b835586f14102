package io.vilstream.trainer.publish;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

import io.vilstream.modelstore.ModelRegistryState;
import io.vilstream.schemas.avro.ModelVersion;

/**
 * Which versions a publication deletes: everything but the newest {@code keep} versions, the
 * served one and the best the gate names (its weights are the gate's floor, and a restart or a
 * rollback recovers them from the topics). The newest version is always kept (keep ≥ 1), so the
 * versions topic itself remembers the highest number and numbering stays monotonic even after
 * compaction. The tombstones are computed from a read of the versions topic that can be stale by
 * the time the transaction commits (an operator's rollback in between may have made an expired
 * version the served one again): {@link #stale} says so from a fresh read, and the publication
 * is aborted rather than delete a rollback's target.
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
        return expired(versions, served, OptionalLong.empty());
    }

    /**
     * @param versions every retained version, the one being published included
     * @param served   the served version after the publication, if any
     * @param best     the best version the gate names after the publication, if any
     * @return the versions to tombstone
     */
    public List<ModelVersion> expired(List<ModelVersion> versions, OptionalLong served, OptionalLong best) {
        List<ModelVersion> newestFirst = new ArrayList<>(versions);
        newestFirst.sort(Comparator.comparingLong(ModelVersion::getVersion).reversed());
        List<ModelVersion> out = new ArrayList<>();
        for (int i = keep; i < newestFirst.size(); i++) {
            ModelVersion v = newestFirst.get(i);
            if (!is(served, v) && !is(best, v)) {
                out.add(v);
            }
        }
        return out;
    }

    private static boolean is(OptionalLong which, ModelVersion v) {
        return which.isPresent() && which.getAsLong() == v.getVersion();
    }

    /**
     * The tombstones computed from an earlier read that a fresh read no longer allows: a version
     * whose record changed since (an operator rolled back to it, or anything else wrote it), or
     * that is now served. Empty when the publication may go ahead.
     */
    public static List<ModelVersion> stale(List<ModelVersion> expired, ModelRegistryState fresh) {
        Optional<Long> served = fresh.served().map(ModelVersion::getVersion);
        List<ModelVersion> out = new ArrayList<>();
        for (ModelVersion t : expired) {
            Optional<ModelVersion> now = fresh.get(t.getVersion());
            boolean changed = now.isPresent() && !Objects.equals(now.get(), t);
            if (changed || served.filter(s -> s == t.getVersion()).isPresent()) {
                out.add(now.orElse(t));
            }
        }
        return out;
    }
}
