package io.vilstream.datasets.produce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.vilstream.datasets.EmojiDataset;
import io.vilstream.datasets.events.ContentEvents;
import io.vilstream.datasets.item.EmojiItem;
import io.vilstream.schemas.avro.ContentEvent;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class ContentProducerTest {

    private final List<EmojiItem> items = EmojiDataset.fixture().items().subList(0, 3);

    private static MockProducer<String, ContentEvent> mock(boolean autoComplete) {
        return new MockProducer<>(autoComplete, null, new StringSerializer(), (topic, e) -> new byte[0]);
    }

    @Test
    void contentIsSentWithAllReplicasIdempotentlyAndLingering() {
        Map<String, Object> p = ContentProducer.producerSettings(Map.of("bootstrap.servers", "k:9092", "acks", "1"));
        assertThat(p).containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
                .containsEntry(ProducerConfig.LINGER_MS_CONFIG, 5)
                .containsEntry("bootstrap.servers", "k:9092");
    }

    @Test
    void itemsAreKeyedByIdInOrderAndRepeatedAsUpdates() throws Exception {
        MockProducer<String, ContentEvent> mock = mock(true);
        AtomicInteger lastProgress = new AtomicInteger();
        try (ContentProducer producer = new ContentProducer(mock, "content")) {
            long sent = producer.publish(items, 2, 0, n -> lastProgress.set((int) n));
            assertThat(sent).isEqualTo(6);
            assertThat(producer.acknowledged()).isEqualTo(6);
        }
        assertThat(lastProgress).hasValue(6);
        List<String> ids = items.stream().map(EmojiItem::id).toList();
        assertThat(mock.history()).extracting(ProducerRecord::key)
                .containsExactlyElementsOf(List.of(ids.get(0), ids.get(1), ids.get(2), ids.get(0), ids.get(1), ids.get(2)));
        assertThat(mock.history()).allSatisfy(r -> {
            assertThat(r.topic()).isEqualTo("content");
            assertThat(r.value().getId()).isEqualTo(r.key());
        });
    }

    @Test
    void publishingStopsWhenAskedAndEventsAreMadeWhenDue() throws Exception {
        MockProducer<String, ContentEvent> mock = mock(true);
        try (ContentProducer producer = new ContentProducer(mock, "content")) {
            long sent = producer.publish(10, 0, () -> mock.history().size() >= 4, i -> {
                ContentEvent e = ContentEvents.from(items.get(0), java.time.Instant.now());
                e.setId("event-" + i);
                return e;
            });
            assertThat(sent).isEqualTo(4);
        }
        assertThat(mock.history()).extracting(ProducerRecord::key).containsExactly("event-0", "event-1", "event-2", "event-3");
    }

    @Test
    void onlyAcknowledgedRecordsCountAndAFailedSendFailsTheFlush() {
        MockProducer<String, ContentEvent> mock = mock(false);
        ContentProducer producer = new ContentProducer(mock, "content");
        producer.send(items.get(0));
        producer.send(items.get(1));
        assertThat(producer.acknowledged()).isZero();
        mock.completeNext();
        mock.errorNext(new org.apache.kafka.common.errors.TimeoutException("no leader"));
        assertThat(producer.acknowledged()).isEqualTo(1);
        assertThatThrownBy(producer::flush).isInstanceOf(IllegalStateException.class).hasMessageContaining("no leader");
    }
}
