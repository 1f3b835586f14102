package io.vilstream.encoder.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;

import io.vilstream.encoder.ContentFixtures;
import io.vilstream.encoder.models.SwappableModel;
import io.vilstream.model.config.ModelConfig;
import io.vilstream.model.towers.DualEncoder;
import io.vilstream.schemas.avro.ContentEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The encode processor across close → init on the same instance, which is how Kafka Streams
 * revives a corrupted task under exactly_once_v2: the revived task emits again, and a batch
 * started before the revive does not come out after it (the restored buffer encodes those
 * records again).
 */
class EncodeProcessorLifecycleTest {

    private final SwappableModel model = new SwappableModel(DualEncoder.initial(ModelConfig.tiny(), 42));

    @AfterEach
    void tearDown() {
        model.close();
    }

    @Test
    void revivedTaskEmitsAgain() {
        ProcessorHarness h = new ProcessorHarness(model, 2, 50, EncodeOptions.live(), 1, Runnable::run);
        List<ContentEvent> events = ContentFixtures.many(4);
        h.init();
        h.send(events.get(0));
        h.send(events.get(1));
        assertThat(h.imageIds()).containsExactly(events.get(0).getId(), events.get(1).getId());

        h.revive();
        h.send(events.get(2));
        h.send(events.get(3));
        assertThat(h.imageIds()).containsExactly(events.get(0).getId(), events.get(1).getId(),
                events.get(2).getId(), events.get(3).getId());
        assertThat(h.buffered()).as("forwarded records leave the buffer").isZero();
    }

    @Test
    void aBatchStartedBeforeAReviveIsNotForwardedAfterIt() {
        ProcessorHarness.HeldTowers towers = new ProcessorHarness.HeldTowers();
        ProcessorHarness h = new ProcessorHarness(model, 2, 50, EncodeOptions.live(), 1, towers);
        List<ContentEvent> events = ContentFixtures.many(2);
        h.init();
        h.send(events.get(0));
        h.send(events.get(1));
        assertThat(towers.started()).as("the full batch started (generation 1)").isEqualTo(1);

        h.revive(); // the committed buffer still holds both records: generation 2 encodes them again
        towers.run(0); // generation 1's batch completes after the revive
        h.tick(100); // hands its results over, then starts the restored records' batch
        assertThat(towers.started()).isEqualTo(2);
        towers.run(1);
        h.tick(100);

        assertThat(h.imageIds()).as("each record once, from generation 2's batch")
                .containsExactly(events.get(0).getId(), events.get(1).getId());
        assertThat(h.buffered()).isZero();
    }

    @Test
    void theBufferWatchSeesWhatIsBufferedHereUntilItIsForwardedOrItsTaskCloses() {
        Set<Long> held = new ConcurrentSkipListSet<>();
        BufferWatch watch = new BufferWatch() {
            @Override
            public void held(int partition, long offset) {
                held.add(offset);
            }

            @Override
            public void released(int partition, long offset) {
                held.remove(offset);
            }

            @Override
            public void releasedAll(int partition) {
                held.clear();
            }
        };
        ProcessorHarness h = new ProcessorHarness(model, 2, 60_000, EncodeOptions.backfill(), 1, Runnable::run, watch);
        List<ContentEvent> events = ContentFixtures.many(3);
        h.init();
        h.send(events.get(0));
        assertThat(held).containsExactly(0L);
        h.send(events.get(1));
        assertThat(h.images()).hasSize(2);
        assertThat(held).as("forwarded: released").isEmpty();
        h.send(events.get(2));
        assertThat(held).containsExactly(2L);
        h.processor.close();
        assertThat(held).as("the task's next owner has it").isEmpty();
        h.processor.init(h.context);
        assertThat(held).as("restored here again").containsExactly(2L);
    }
}
