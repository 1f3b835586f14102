package io.vilstream.trainer.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.LongStream;

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
}
