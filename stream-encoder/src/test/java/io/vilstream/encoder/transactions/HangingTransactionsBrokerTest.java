package io.vilstream.encoder.transactions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vilstream.schemas.topics.VilstreamTopic;
import io.vilstream.testkit.VilstreamCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The check against a real broker: it finds a transaction open on an output partition through
 * Kafka's Admin API, and never ends one its coordinator still has open, however long it has been
 * open: it counts it as held (readers wait at it) instead. (A hanging transaction cannot be made on purpose: the rule that ends one is in
 * {@link HangingTransactionsTest}.)
 */
class HangingTransactionsBrokerTest {

    @RegisterExtension
    static final VilstreamCluster CLUSTER = new VilstreamCluster(2);

    @Test
    void aLiveTransactionPastTheLimitIsSeenAndLeftAlone() throws Exception {
        String tags = CLUSTER.topics().name(VilstreamTopic.TAGS);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        long[] now = {0};
        try (HangingTransactions check = new HangingTransactions(CLUSTER.settings().common(), List.of(tags, "no-such-topic-yet"), "vilstream-encoder-",
                Duration.ofSeconds(60), registry, () -> now[0]);
             KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, CLUSTER.bootstrapServers(),
                     ProducerConfig.TRANSACTIONAL_ID_CONFIG, "vilstream-encoder-test-1",
                     ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 600_000),
                     new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(tags, 0, "id-1", "t")).get(30, TimeUnit.SECONDS);

            assertThat(check.check()).isZero(); // first seen now
            now[0] = 3_600_000; // an hour later, by the check's clock
            assertThat(check.check()).as("its coordinator has it open on that partition").isZero();
            assertThat(openOn(new TopicPartition(tags, 0))).isTrue();
            assertThat(registry.get("vilstream.encoder.hanging.transactions").gauge().value()).isZero();
            assertThat(registry.get("vilstream.encoder.hanging.transactions.aborted").counter().count()).isZero();
            assertThat(registry.get("vilstream.encoder.transactions.held").gauge().value())
                    .as("open past the limit while its coordinator has it in flight: held, not hanging").isEqualTo(1);

            producer.commitTransaction();
            await().atMost(Duration.ofSeconds(30)).until(() -> !openOn(new TopicPartition(tags, 0))); // markers follow the commit
            assertThat(check.check()).isZero();
            assertThat(registry.get("vilstream.encoder.transactions.held").gauge().value()).isZero();
        }
    }

    private static boolean openOn(TopicPartition tp) throws Exception {
        try (Admin admin = Admin.create(CLUSTER.settings().common())) {
            return admin.describeProducers(List.of(tp)).partitionResult(tp).get(30, TimeUnit.SECONDS).activeProducers().stream()
                    .anyMatch(p -> p.currentTransactionStartOffset().isPresent());
        }
    }
}
