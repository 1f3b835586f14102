package io.vilstream.encoder.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.micrometer.core.instrument.DistributionSummary;
import io.vilstream.encoder.ContentFixtures;
import io.vilstream.encoder.models.SwappableModel;
import io.vilstream.model.config.ModelConfig;
import io.vilstream.model.towers.DualEncoder;
import io.vilstream.schemas.avro.ContentEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How the encode processor cuts its records into tower batches: never more than the batch size,
 * also for a restored buffer.
 */
class EncodeProcessorBatchesTest {

    private final SwappableModel model = new SwappableModel(DualEncoder.initial(ModelConfig.tiny(), 42));

    @AfterEach
    void tearDown() {
        model.close();
    }

    @Test
    void aRestoredBufferLargerThanABatchIsEncodedInBatchesOfAtMostTheBatchSize() {
        ProcessorHarness h = new ProcessorHarness(model, 4, 50, EncodeOptions.live(), 1, Runnable::run);
        List<ContentEvent> events = ContentFixtures.many(11);
        h.restored(events); // e.g. after kill -9s, or a rebalance that piled tasks on this thread
        h.init();
        for (int i = 0; i < 20 && h.images().size() < events.size(); i++) {
            h.tick(60);
        }
        DistributionSummary batches = h.metrics.registry().find("vilstream.encoder.batch.size").summary();
        assertThat(batches.max()).as("largest tower batch").isLessThanOrEqualTo(4);
        assertThat(batches.count()).isEqualTo(3);
        assertThat(h.imageIds()).as("every restored record encoded once, in order")
                .containsExactlyElementsOf(events.stream().map(ContentEvent::getId).toList());
        assertThat(h.buffered()).isZero();
    }

    @Test
    void newRecordsBehindARestoredBacklogAlsoStartBatchesOfAtMostTheBatchSize() {
        ProcessorHarness h = new ProcessorHarness(model, 4, 60_000, EncodeOptions.live(), 1, Runnable::run);
        List<ContentEvent> events = ContentFixtures.many(14);
        h.restored(events.subList(0, 10));
        h.init();
        events.subList(10, 14).forEach(h::send); // full batches start on arrival, without waiting for the linger
        DistributionSummary batches = h.metrics.registry().find("vilstream.encoder.batch.size").summary();
        assertThat(batches.max()).isLessThanOrEqualTo(4);
        assertThat(h.imageIds()).hasSize(12).containsExactlyElementsOf(events.subList(0, 12).stream().map(ContentEvent::getId).toList());
    }
}
