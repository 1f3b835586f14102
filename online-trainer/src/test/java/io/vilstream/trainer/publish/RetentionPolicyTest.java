package io.vilstream.trainer.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.LongStream;

import io.vilstream.modelstore.ModelKeys;
import io.vilstream.modelstore.ModelRegistryState;
import io.vilstream.schemas.avro.ModelStatus;
import io.vilstream.schemas.avro.ModelVersion;
import org.junit.jupiter.api.Test;

class RetentionPolicyTest {

    private static List<ModelVersion> versions(long n) {
        return LongStream.rangeClosed(1, n).mapToObj(v -> ModelVersion.newBuilder().setModelName("m").setVersion(v)
                .setSha256("00").setSizeBytes(1).setChunkCount(1).setTrainingStep(v).setStatus(ModelStatus.PROMOTED)
                .setCreatedAt(Instant.EPOCH).setUpdatedAt(Instant.EPOCH).build()).toList();
    }

    @Test
    void keepsTheNewestKAndTheServedVersion() {
        List<ModelVersion> expired = new RetentionPolicy(3).expired(versions(8), OptionalLong.of(2));
        assertThat(expired).extracting(ModelVersion::getVersion).containsExactly(5L, 4L, 3L, 1L);
    }

    @Test
    void neverExpiresTheNewestVersionSoNumberingStaysMonotonic() {
        List<ModelVersion> expired = new RetentionPolicy(1).expired(versions(4), OptionalLong.empty());
        assertThat(expired).extracting(ModelVersion::getVersion).doesNotContain(4L).containsExactly(3L, 2L, 1L);
    }

    @Test
    void keepsTheBestVersionTheGateNames() {
        List<ModelVersion> expired = new RetentionPolicy(3).expired(versions(8), OptionalLong.of(8), OptionalLong.of(2));
        assertThat(expired).extracting(ModelVersion::getVersion).containsExactly(5L, 4L, 3L, 1L);
    }

    @Test
    void aRollbackToAnExpiredVersionAfterTheReadMakesItsTombstoneStale() {
        List<ModelVersion> read = versions(8);
        List<ModelVersion> expired = new RetentionPolicy(3).expired(read, OptionalLong.of(8));
        assertThat(expired).extracting(ModelVersion::getVersion).contains(2L);

        ModelRegistryState fresh = new ModelRegistryState("m");
        for (ModelVersion v : read) {
            fresh.apply(ModelKeys.version("m", v.getVersion()), v);
        }
        assertThat(RetentionPolicy.stale(expired, fresh)).as("nothing changed since the read").isEmpty();

        // the operator rolls back to 2 before the publication commits: 3..8 ROLLED_BACK, 2 PROMOTED again
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        for (ModelVersion v : read) {
            if (v.getVersion() > 2) {
                fresh.apply(ModelKeys.version("m", v.getVersion()), ModelVersion.newBuilder(v).setStatus(ModelStatus.ROLLED_BACK)
                        .setUpdatedAt(now).build());
            }
        }
        fresh.apply(ModelKeys.version("m", 2), ModelVersion.newBuilder(read.get(1)).setUpdatedAt(now).build());

        assertThat(RetentionPolicy.stale(expired, fresh)).extracting(ModelVersion::getVersion).contains(2L);
    }
}
