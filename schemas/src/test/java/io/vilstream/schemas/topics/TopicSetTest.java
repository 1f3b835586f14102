package io.vilstream.schemas.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

class TopicSetTest {

    @Test
    void defaultsFollowTheArchitecture() {
        TopicSet topics = TopicSet.defaults();
        assertThat(topics.all()).extracting(TopicSpec::name).containsExactly(
                "vilstream.content.v1", "vilstream.content.dlq.v1", "vilstream.embeddings.image.v1",
                "vilstream.embeddings.text.v1", "vilstream.tags.v1", "vilstream.hard-negatives.v1",
                "vilstream.model.versions.v1", "vilstream.model.checkpoints.v1");

        TopicSpec content = topics.spec(VilstreamTopic.CONTENT);
        assertThat(content.compacted()).isTrue();
        assertThat(content.partitions()).isEqualTo(4);
        assertThat(content.configs()).containsEntry("cleanup.policy", "compact").containsEntry("retention.ms", "-1");

        assertThat(topics.spec(VilstreamTopic.CONTENT_DLQ).configs())
                .containsEntry("cleanup.policy", "delete").containsEntry("retention.ms", "1209600000");
        assertThat(topics.spec(VilstreamTopic.EMBEDDINGS_IMAGE).compacted()).isTrue();
        assertThat(topics.spec(VilstreamTopic.EMBEDDINGS_TEXT).compacted()).isTrue();
        assertThat(topics.spec(VilstreamTopic.TAGS).compacted()).isTrue();
        assertThat(topics.spec(VilstreamTopic.HARD_NEGATIVES).configs())
                .containsEntry("cleanup.policy", "delete").containsEntry("retention.ms", "86400000");
        assertThat(topics.spec(VilstreamTopic.MODEL_VERSIONS).partitions()).isEqualTo(1);
        TopicSpec checkpoints = topics.spec(VilstreamTopic.MODEL_CHECKPOINTS);
        assertThat(checkpoints.partitions()).isEqualTo(1);
        assertThat(checkpoints.compacted()).isTrue();
        assertThat(checkpoints.configs()).containsEntry("max.message.bytes", "2097152");
    }

    @Test
    void partitionsApplyToItemTopicsOnly() {
        TopicSet topics = TopicSet.builder().partitions(12).build();
        assertThat(topics.spec(VilstreamTopic.CONTENT).partitions()).isEqualTo(12);
        assertThat(topics.spec(VilstreamTopic.MODEL_VERSIONS).partitions()).isEqualTo(1);
    }

    @Test
    void namesCanBePrefixedOrSetOneByOne() {
        TopicSet topics = TopicSet.builder().prefix("staging.")
                .names(Map.of("content.dlq", "my-dlq"))
                .name(VilstreamTopic.TAGS, "tags-x")
                .build();
        assertThat(topics.name(VilstreamTopic.CONTENT)).isEqualTo("staging.vilstream.content.v1");
        assertThat(topics.name(VilstreamTopic.CONTENT_DLQ)).isEqualTo("my-dlq");
        assertThat(topics.name(VilstreamTopic.TAGS)).isEqualTo("tags-x");
    }

    @Test
    void rejectsUnknownKeysAndClashingNames() {
        assertThatThrownBy(() -> TopicSet.builder().names(Map.of("contnet", "x")))
                .hasMessageContaining("contnet").hasMessageContaining("content.dlq");
        assertThatThrownBy(() -> TopicSet.builder().name(VilstreamTopic.TAGS, "vilstream.content.v1").build())
                .hasMessageContaining("vilstream.content.v1");
    }
}
