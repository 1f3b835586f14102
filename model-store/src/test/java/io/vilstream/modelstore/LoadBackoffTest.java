package io.vilstream.modelstore;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** Missing chunks are retried with a doubling, bounded wait; a corrupt checkpoint a bounded number of times. */
class LoadBackoffTest {

    private final LoadBackoff backoff = new LoadBackoff(new LoadBackoff.Policy(Duration.ofSeconds(1), Duration.ofSeconds(5), 3));

    @Test
    void missingChunksAreRetriedWithADoublingWaitUpToTheMaximum() {
        long now = 0;
        assertThat(backoff.due(7, now)).isTrue();
        assertThat(backoff.failed(7, false, now).delay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.due(7, now + Duration.ofMillis(999).toNanos())).isFalse();
        assertThat(backoff.due(7, now + Duration.ofSeconds(1).toNanos())).isTrue();
        assertThat(backoff.failed(7, false, now).delay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.failed(7, false, now).delay()).isEqualTo(Duration.ofSeconds(4));
        for (int i = 0; i < 20; i++) {
            assertThat(backoff.failed(7, false, now).delay()).isEqualTo(Duration.ofSeconds(5));
        }
        assertThat(backoff.givenUp(7)).as("missing chunks never give up").isFalse();
        assertThat(backoff.due(8, now)).as("another version is tried at once").isTrue();
    }

    @Test
    void aCorruptCheckpointIsGivenUpOnAfterTheBoundedAttempts() {
        assertThat(backoff.failed(7, true, 0).givenUp()).isFalse();
        assertThat(backoff.failed(7, true, 0).givenUp()).isFalse();
        LoadBackoff.Next third = backoff.failed(7, true, 0);
        assertThat(third.givenUp()).isTrue();
        assertThat(third.failures()).isEqualTo(3);
        assertThat(backoff.due(7, Long.MAX_VALUE / 2)).isFalse();
        assertThat(backoff.givenUp(7)).isTrue();
        backoff.failed(8, false, 0);
        assertThat(backoff.givenUp(7)).isFalse();
    }
}
