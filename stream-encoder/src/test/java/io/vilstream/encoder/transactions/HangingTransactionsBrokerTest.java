package io.vilstream.encoder.transactions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vilstream.encoder.topology.EncoderTopology;
import io.vilstream.schemas.topics.VilstreamTopic;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.internals.Topic;
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

    /**
     * The encoder's transactions also commit the input offsets, on the group's partition of the
     * offsets topic. In chaos run m an abort whose markers were lost there (while the check ended
     * the same transactions on the output partitions) left the group's offsets unstable: no task
     * could start again. The check now watches that partition too, and the abort marker it would
     * write there (Admin abortTransaction) does complete the pending offset commit.
     */
    @Test
    void aPendingOffsetCommitIsWatchedOnTheOffsetsTopicAndAnAbortMarkerThereMakesTheGroupsOffsetsStable() throws Exception {
        String content = CLUSTER.topics().name(VilstreamTopic.CONTENT);
        String group = "vilstream-encoder-test-group";
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        long[] now = {0};
        try (HangingTransactions check = new HangingTransactions(CLUSTER.settings().common(),
                EncoderTopology.transactionalTopics(CLUSTER.topics(), "vilstream-encoder"), "vilstream-encoder-",
                Duration.ofSeconds(60), registry, () -> now[0]);
             KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, CLUSTER.bootstrapServers(),
                     ProducerConfig.TRANSACTIONAL_ID_CONFIG, "vilstream-encoder-test-2",
                     ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 600_000),
                     new StringSerializer(), new StringSerializer());
             Admin admin = Admin.create(CLUSTER.settings().common())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.sendOffsetsToTransaction(Map.of(new TopicPartition(content, 0), new OffsetAndMetadata(7)),
                    new ConsumerGroupMetadata(group));

            assertThat(check.check()).isZero();
            now[0] = 3_600_000;
            assertThat(check.check()).isZero();
            assertThat(registry.get("vilstream.encoder.transactions.held").gauge().value())
                    .as("the pending offset commit, open past the limit on the offsets topic").isEqualTo(1);

            List<TopicPartition> offsetsPartitions = HangingTransactions.partitionsOf(admin, List.of(Topic.GROUP_METADATA_TOPIC_NAME));
            Map.Entry<TopicPartition, ProducerState> open = admin.describeProducers(offsetsPartitions).all().get(30, TimeUnit.SECONDS)
                    .entrySet().stream()
                    .flatMap(e -> e.getValue().activeProducers().stream()
                            .filter(p -> p.currentTransactionStartOffset().isPresent())
                            .map(p -> Map.entry(e.getKey(), p)))
                    .findFirst().orElseThrow();
            TopicPartition offsetsPartition = open.getKey();
            admin.abortTransaction(new AbortTransactionSpec(offsetsPartition, open.getValue().producerId(),
                    (short) open.getValue().producerEpoch(), open.getValue().coordinatorEpoch().orElse(-1))).all().get(30, TimeUnit.SECONDS);

            await().atMost(Duration.ofSeconds(30)).until(() -> !openOn(offsetsPartition));
            Map<TopicPartition, OffsetAndMetadata> stable = admin.listConsumerGroupOffsets(group,
                    new ListConsumerGroupOffsetsOptions().requireStable(true)).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            assertThat(stable.get(new TopicPartition(content, 0))).as("the aborted commit is not the group's offset").isNull();
        }
    }

    private static boolean openOn(TopicPartition tp) throws Exception {
        try (Admin admin = Admin.create(CLUSTER.settings().common())) {
            return admin.describeProducers(List.of(tp)).partitionResult(tp).get(30, TimeUnit.SECONDS).activeProducers().stream()
                    .anyMatch(p -> p.currentTransactionStartOffset().isPresent());
        }
    }
}
