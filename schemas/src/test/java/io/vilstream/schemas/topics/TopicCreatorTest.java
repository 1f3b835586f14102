package io.vilstream.schemas.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.vilstream.embedded.EmbeddedKafkaExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Creating and verifying the vilstream topics on a real broker. */
class TopicCreatorTest {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    static Admin admin;

    @BeforeAll
    static void connect() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        admin = Admin.create(p);
    }

    @AfterAll
    static void disconnect() {
        admin.close();
    }

    @Test
    void createsMissingTopicsWithTheirShapeThenOnlyVerifiesThem() throws Exception {
        TopicSet topics = TopicSet.builder().prefix("fresh.").build();
        TopicReport first = new TopicCreator(admin).ensure(topics);
        assertThat(first.created()).containsExactlyElementsOf(topics.all().stream().map(TopicSpec::name).toList());
        assertThat(first.verified()).isEmpty();
        assertThat(first.ok()).isTrue();

        String content = topics.name(VilstreamTopic.CONTENT);
        assertThat(admin.describeTopics(List.of(content)).allTopicNames().get().get(content).partitions()).hasSize(4);
        assertThat(config(content).get("cleanup.policy").value()).isEqualTo("compact");
        assertThat(config(content).get("retention.ms").value()).isEqualTo("-1");
        String checkpoints = topics.name(VilstreamTopic.MODEL_CHECKPOINTS);
        assertThat(config(checkpoints).get("max.message.bytes").value()).isEqualTo("2097152");
        assertThat(admin.describeTopics(List.of(checkpoints)).allTopicNames().get().get(checkpoints).partitions()).hasSize(1);
        assertThat(config(topics.name(VilstreamTopic.CONTENT_DLQ)).get("retention.ms").value()).isEqualTo("1209600000");

        TopicReport second = new TopicCreator(admin).ensure(topics);
        assertThat(second.created()).isEmpty();
        assertThat(second.verified()).hasSize(topics.all().size());
        assertThat(second.ok()).isTrue();
    }

    @Test
    void reportsExistingTopicsOfAnotherShapeWithoutTouchingThem() throws Exception {
        TopicSet topics = TopicSet.builder().prefix("clash.").build();
        String content = topics.name(VilstreamTopic.CONTENT);
        String dlq = topics.name(VilstreamTopic.CONTENT_DLQ);
        String tags = topics.name(VilstreamTopic.TAGS);
        admin.createTopics(List.of(
                new NewTopic(content, 2, (short) 1).configs(Map.of("cleanup.policy", "delete")),
                new NewTopic(dlq, 4, (short) 1).configs(Map.of("cleanup.policy", "compact")),
                new NewTopic(tags, 8, (short) 1).configs(Map.of("cleanup.policy", "compact")))).all().get();

        TopicReport report = new TopicCreator(admin).ensure(topics);
        assertThat(report.ok()).isFalse();
        assertThat(report.mismatched()).extracting(TopicReport.Mismatch::topic).containsExactlyInAnyOrder(content, dlq);
        TopicReport.Mismatch contentProblem = report.mismatched().stream().filter(m -> m.topic().equals(content))
                .findFirst().orElseThrow();
        assertThat(contentProblem.problem()).contains("2 partitions").contains("cleanup.policy=delete");
        assertThat(report.verified()).containsExactly(tags); // more partitions than asked is fine
        assertThat(report.created()).hasSize(topics.all().size() - 3);
        assertThat(admin.describeTopics(List.of(content)).allTopicNames().get().get(content).partitions()).hasSize(2);
    }

    @Test
    void usesTheBrokerDefaultReplicationWhenAsked() {
        TopicSpec spec = new TopicSpec("default-rf", 1, false, Map.of());
        TopicReport report = new TopicCreator(admin).replicationFactor(TopicCreator.BROKER_DEFAULT).ensure(List.of(spec));
        assertThat(report.created()).containsExactly("default-rf");
    }

    @Test
    void failsClearlyWhenTheClusterRefusesATopic() {
        TopicSpec spec = new TopicSpec("three-replicas", 1, false, Map.of());
        assertThatThrownBy(() -> new TopicCreator(admin).replicationFactor((short) 3).ensure(List.of(spec)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("three-replicas");
    }

    private static Config config(String topic) throws Exception {
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(r)).all().get().get(r);
    }
}
