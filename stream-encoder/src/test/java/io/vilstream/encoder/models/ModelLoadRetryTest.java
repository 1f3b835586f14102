package io.vilstream.encoder.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vilstream.encoder.metrics.EncoderMetrics;
import io.vilstream.model.config.ModelConfig;
import io.vilstream.model.tagger.TagVocabulary;
import io.vilstream.model.towers.DualEncoder;
import io.vilstream.modelstore.CheckpointPublisher;
import io.vilstream.modelstore.CheckpointUnavailableException;
import io.vilstream.modelstore.LoadBackoff;
import io.vilstream.schemas.avro.ModelStatus;
import io.vilstream.schemas.avro.ModelVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A served version whose checkpoint cannot be fetched yet is tried again with a bounded back-off
 * until it loads (the follower announces a version once: without the retry the old version
 * stayed for good and no backfill ran), and the swap is announced whichever attempt made it; a
 * corrupt checkpoint is tried a bounded number of times, then given up on.
 */
class ModelLoadRetryTest {

    private static final LoadBackoff.Policy FAST = new LoadBackoff.Policy(Duration.ofMillis(20), Duration.ofMillis(100), 3);

    private final SwappableModel model = new SwappableModel(DualEncoder.initial(ModelConfig.tiny(), 42));
    private final EncoderMetrics metrics = new EncoderMetrics(new SimpleMeterRegistry());
    private final List<Long> swapped = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() {
        model.close();
    }

    private static byte[] checkpoint(long version) throws Exception {
        try (DualEncoder trained = DualEncoder.create(ModelConfig.tiny(), new TagVocabulary(List.of("cat")), 7)) {
            return trained.toCheckpoint(version, 0L, 10);
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("timed out waiting").isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    void aVersionWhoseChunksAreNotVisibleYetIsLoadedByALaterAttempt() throws Exception {
        byte[] good = checkpoint(2);
        ModelVersion v2 = CheckpointPublisher.describe("vilstream-dual", 2, good).setStatus(ModelStatus.PROMOTED).setTrainingStep(10).build();
        AtomicInteger fetches = new AtomicInteger();
        FollowingModelSource.CheckpointFetcher chunksLate = v -> {
            if (fetches.incrementAndGet() <= 2) {
                throw new CheckpointUnavailableException("version 2 has 0 of its 1 chunks on the checkpoints topic");
            }
            return good;
        };
        try (FollowingModelSource source = new FollowingModelSource(model, chunksLate, metrics, FAST, v -> swapped.add(v.getVersion()))) {
            assertThat(source.load(v2)).as("the first attempt finds no chunks").isFalse();
            assertThat(model.version()).isZero();

            await(() -> model.version() == 2);
            await(() -> !swapped.isEmpty());
            assertThat(swapped).as("the backfill is told of the swap").containsExactly(2L);
            assertThat(fetches.get()).isEqualTo(3);
            assertThat(metrics.loadFailureCount()).isEqualTo(2.0);
        }
    }

    @Test
    void aCorruptCheckpointIsTriedABoundedNumberOfTimesThenGivenUpOn() throws Exception {
        byte[] good = checkpoint(2);
        byte[] corrupt = good.clone();
        corrupt[corrupt.length / 2] ^= 0x5A;
        ModelVersion v2 = CheckpointPublisher.describe("vilstream-dual", 2, good).setStatus(ModelStatus.PROMOTED).setTrainingStep(10).build();
        AtomicInteger fetches = new AtomicInteger();
        try (FollowingModelSource source = new FollowingModelSource(model, v -> {
            fetches.incrementAndGet();
            return corrupt;
        }, metrics, FAST, v -> swapped.add(v.getVersion()))) {
            assertThat(source.load(v2)).isFalse();
            await(() -> metrics.loadGivenUpCount() == 1.0);
            assertThat(fetches.get()).as("given up after the bounded attempts, nothing scheduled after").isEqualTo(3);
            assertThat(source.load(v2)).as("announced again: still given up").isFalse();
            assertThat(fetches.get()).isEqualTo(3);
            assertThat(model.version()).isZero();
            assertThat(swapped).isEmpty();
        }
    }
}
