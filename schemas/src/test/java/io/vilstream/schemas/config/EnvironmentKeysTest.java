package io.vilstream.schemas.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.vilstream.runtime.config.ConfigSources;
import io.vilstream.schemas.serde.AvroSerdeConfig;
import io.vilstream.schemas.topics.TopicSet;
import io.vilstream.schemas.topics.VilstreamTopic;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

/**
 * The runtime module names the topic-set keys and serde properties the environment may set
 * (it cannot see this module); these tests keep its lists equal to the real ones.
 */
class EnvironmentKeysTest {

    @Test
    void topicKeysAreThoseTopicSetReads() {
        List<String> expected = new ArrayList<>(List.of("topics.prefix", "topics.partitions"));
        for (VilstreamTopic t : VilstreamTopic.values()) {
            expected.add("topics." + t.key());
        }
        assertThat(ConfigSources.TOPIC_KEYS).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void topicSetFromTheEnvironment() {
        Map<String, String> env = Map.of("VILSTREAM_TOPICS_PREFIX", "staging.", "VILSTREAM_TOPICS_PARTITIONS", "8",
                "VILSTREAM_TOPICS_CONTENT_DLQ", "dead-letters", "VILSTREAM_TOPICS_REPLICATION_FACTOR", "3");
        TopicSet set = TopicSet.fromConfig(ConfigSources.merge(new ConfigDef(), null, env, null));
        assertThat(set.name(VilstreamTopic.CONTENT)).isEqualTo("staging.vilstream.content.v1");
        assertThat(set.name(VilstreamTopic.CONTENT_DLQ)).isEqualTo("dead-letters");
        assertThat(set.spec(VilstreamTopic.CONTENT).partitions()).isEqualTo(8);
    }

    @Test
    void registryPassThroughIsTheSerdeConfigWithoutTheUrl() {
        Set<String> serde = new HashSet<>(AvroSerdeConfig.configDef().names());
        serde.remove(AvroSerdeConfig.SCHEMA_REGISTRY_URL);
        assertThat(ConfigSources.REGISTRY_PROPERTIES).containsExactlyInAnyOrderElementsOf(serde);
    }
}
