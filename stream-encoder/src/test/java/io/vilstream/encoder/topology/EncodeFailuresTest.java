package io.vilstream.encoder.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.vilstream.encoder.ContentFixtures;
import io.vilstream.encoder.models.SwappableModel;
import io.vilstream.model.config.ModelConfig;
import io.vilstream.model.tagger.TagVocabulary;
import io.vilstream.model.towers.DualEncoder;
import io.vilstream.schemas.avro.ContentEvent;
import io.vilstream.schemas.avro.Embedding;
import io.vilstream.schemas.topics.DlqFailure;
import io.vilstream.schemas.topics.DlqHeaders;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What happens to a batch the towers cannot encode. The live encoder records each of its
 * records in the DLQ ({@code ENCODE_FAILED}); a backfill has no DLQ, so it keeps them in its
 * buffer and encodes them again (logged and counted), instead of deleting them unseen: the
 * version's coverage would never arrive.
 */
class EncodeFailuresTest {

    private final SwappableModel model = new SwappableModel(broken());

    @AfterEach
    void tearDown() {
        model.close();
    }

    /** A model whose towers fail: its native memory is freed. */
    private static DualEncoder broken() {
        DualEncoder m = DualEncoder.initial(ModelConfig.tiny(), 1);
        m.close();
        return m;
    }

    private static DualEncoder version(long v) throws Exception {
        try (DualEncoder trained = DualEncoder.create(ModelConfig.tiny(), new TagVocabulary(List.of("cat")), 7)) {
            return DualEncoder.load(trained.toCheckpoint(v, 0L, 10));
        }
    }

    @Test
    void aFailedBackfillBatchIsRetriedNotDropped() throws Exception {
        ProcessorHarness h = new ProcessorHarness(model, 2, 50, EncodeOptions.backfill(), 1, Runnable::run);
        List<ContentEvent> events = ContentFixtures.many(2);
        h.init();
        events.forEach(h::send);
        assertThat(h.images()).isEmpty();
        assertThat(h.buffered()).as("the records stay buffered").isEqualTo(2);
        assertThat(h.metrics.encodeFailureCount()).isEqualTo(2.0);

        model.swap(version(3)); // whatever made the towers fail has passed
        for (int i = 0; i < 50 && h.images().isEmpty(); i++) {
            h.tick(100);
        }
        assertThat(h.images()).extracting(Embedding::getContentId).containsExactly(events.get(0).getId(), events.get(1).getId());
        assertThat(h.images()).extracting(Embedding::getModelVersion).containsOnly(3L);
        assertThat(h.buffered()).isZero();
    }

    @Test
    void aBackfillBatchStartedAfterItsModelWasClosedKeepsItsRecords() throws Exception {
        model.swap(version(2));
        ProcessorHarness h = new ProcessorHarness(model, 2, 50, EncodeOptions.backfill(), 1, Runnable::run);
        List<ContentEvent> events = ContentFixtures.many(2);
        h.init();
        model.close(); // the coordinator stopping the backfill closes its model while the stream thread still runs
        events.forEach(h::send);
        h.tick(100);
        assertThat(h.images()).isEmpty();
        assertThat(h.buffered()).as("still buffered, for whoever runs the task next").isEqualTo(2);

        model.swap(version(2)); // here: the same processor gets a model again
        h.tick(100);
        assertThat(h.images()).extracting(Embedding::getContentId).containsExactly(events.get(0).getId(), events.get(1).getId());
        assertThat(h.buffered()).isZero();
    }

    @Test
    void aFailedLiveBatchGoesToTheDlqAsEncodeFailed() {
        ProcessorHarness h = new ProcessorHarness(model, 2, 50, EncodeOptions.live(), 1, Runnable::run);
        h.init();
        ContentFixtures.many(2).forEach(h::send);
        List<DlqFailure> dlq = h.context.forwarded().stream()
                .filter(f -> f.childName().orElse("").equals(EncoderTopology.SINK_DLQ))
                .map(MockProcessorContext.CapturedForward::record)
                .map(r -> DlqHeaders.read(r.headers()).orElseThrow()).toList();
        assertThat(dlq).hasSize(2).allSatisfy(f -> assertThat(f.stage()).isEqualTo("encode"));
        assertThat(h.metrics.dlqCount("ENCODE_FAILED")).isEqualTo(2.0);
        assertThat(h.buffered()).isZero();
    }
}
