package io.vilstream.schemas.registry.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.vilstream.embedded.EmbeddedKafkaExtension;
import io.vilstream.schemas.testing.RegistryHttp;
import io.vilstream.schemas.testing.RegistryHttp.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code GET /health}: 503 until the store has replayed its topic, 200 once caught up. */
class RegistryHealthTest {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @Test
    void aStartedRegistryIsUpOnceItsStoreCaughtUp() {
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.builder()
                .bootstrapServers(KAFKA.bootstrapServers()).topic("_health_schemas").build().start()) {
            Response health = new RegistryHttp(registry.url()).get("/health");
            assertThat(health.status()).as(health.text()).isEqualTo(200);
            assertThat(health.json().get("status").asText()).isEqualTo("UP");
            assertThat(health.json().at("/checks/store/detail").asText()).contains("caught up with _health_schemas");
        }
    }

    @Test
    void beforeTheTopicIsReplayedHealthAndTheApiAnswer503() {
        // nothing listens on port 1 of the loopback: the replay cannot even start
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.builder().bootstrapServers("127.0.0.1:1")
                .storeTimeout(Duration.ofSeconds(30)).build().startInBackground()) {
            RegistryHttp http = new RegistryHttp(registry.url());
            Response health = http.get("/health");
            assertThat(health.status()).isEqualTo(503);
            assertThat(health.json().get("status").asText()).isEqualTo("DOWN");
            assertThat(health.json().at("/checks/store/detail").asText()).contains("replaying");

            Response api = http.get("/subjects");
            assertThat(api.status()).isEqualTo(503);
            assertThat(api.errorCode()).isEqualTo(50003);
        }
    }
}
