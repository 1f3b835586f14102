package io.vilstream.encoder.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.micrometer.core.instrument.DistributionSummary;
import io.vilstream.encoder.ContentFixtures;
import io.vilstream.encoder.models.SwappableModel;
import io.vilstream.model.config.ModelConfig;
import io.vilstream.model.tagger.TagVocabulary;
import io.vilstream.model.towers.DualEncoder;
import io.vilstream.schemas.avro.ContentEvent;
import io.vilstream.schemas.avro.Embedding;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How the encode processor cuts its records into tower batches and hands them to the tower
 * workers: never more than the batch size, also for a restored buffer; each batch encoded by the
 * model version served when it started, whichever worker runs it when.
 */
class EncodeProcessorBatchesTest {

    private final DualEncoder version0 = DualEncoder.initial(ModelConfig.tiny(), 42);
    private final SwappableModel model = new SwappableModel(version0);

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

    @Test
    void aLaterBatchNeverCarriesAnOlderVersionThanAnEarlierOne() throws Exception {
        ProcessorHarness.HeldTowers towers = new ProcessorHarness.HeldTowers();
        ProcessorHarness h = new ProcessorHarness(model, 1, 50, EncodeOptions.live(), 3, towers); // three workers
        List<ContentEvent> events = ContentFixtures.many(3);
        h.init();
        h.send(events.get(0)); // batch A starts under version 0
        h.send(events.get(1)); // batch B starts under version 0
        towers.run(1); // a free worker runs B first
        try (DualEncoder trained = DualEncoder.create(ModelConfig.tiny(), new TagVocabulary(List.of("cat")), 7)) {
            model.swap(DualEncoder.load(trained.toCheckpoint(1, 0L, 10))); // a hot swap between B's start and C's
        }
        h.send(events.get(2)); // batch C starts under version 1
        towers.run(0); // A's worker gets to it only now, after the swap
        towers.run(2);
        h.tick(100);

        assertThat(h.images()).extracting(Embedding::getContentId)
                .containsExactly(events.get(0).getId(), events.get(1).getId(), events.get(2).getId());
        assertThat(h.images()).extracting(Embedding::getModelVersion)
                .as("each batch carries the version served when it started").containsExactly(0L, 0L, 1L);
        assertThat(version0.manager().isOpen()).as("version 0 is freed after its last batch").isFalse();
    }
}
