package io.vilstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import io.vilstream.runtime.metrics.Metrics;
import io.vilstream.testkit.VilstreamCluster;
import io.vilstream.trainer.config.TrainerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What an operator scrapes: after a publication, {@code /metrics} carries steps, items, loss per
 * term, logit scales, queue sizes, staleness, validation recall per version, promotions and the
 * current version; {@code /health} is UP while the loop runs.
 */
class TrainerOpsEndpointTest {

    @RegisterExtension
    static final VilstreamCluster CLUSTER = new VilstreamCluster();

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void metricsAndHealthDescribeTheTrainingAndThePublishedVersions() throws Exception {
        TrainerTestData.produceContent(CLUSTER, TrainerTestData.fixtureEvents());
        Map<String, Object> props = TrainerTestData.trainerProps(CLUSTER, "ops");
        props.put(TrainerConfig.GATE_TOLERANCE, "1");
        OnlineTrainer trainer = new OnlineTrainer(new TrainerConfig(props), Metrics.newRegistry("trainer"), b -> { }).start();
        String base = "http://127.0.0.1:" + trainer.opsPort();
        try {
            await().atMost(Duration.ofMinutes(2)).until(() -> trainer.status().promotions() >= 1);
            String metrics = get(base + "/metrics").body();
            assertThat(metrics).contains(
                    "vilstream_trainer_steps_total",
                    "vilstream_trainer_items_total",
                    "vilstream_trainer_items_new_total",
                    "vilstream_trainer_loss{service=\"trainer\",term=\"I-T\"}",
                    "vilstream_trainer_logit_scale{pair=\"I-T\"",
                    "vilstream_trainer_replay_size",
                    "vilstream_trainer_fresh_queue_size",
                    "vilstream_trainer_hard_negative_queue_size",
                    "vilstream_trainer_staleness_seconds_bucket",
                    "vilstream_trainer_validation_recall{direction=\"i2t\",k=\"10\",service=\"trainer\",version=\"1\"}",
                    "vilstream_trainer_last_promotion_timestamp_seconds",
                    "vilstream_trainer_model_version{service=\"trainer\"}");
            assertThat(metrics).containsPattern("vilstream_trainer_promotions_total\\{service=\"trainer\"} [1-9]");
            HttpResponse<String> health = get(base + "/health");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"status\":\"UP\"");
        } finally {
            trainer.close();
        }
        assertThat(trainer.status().phase()).isEqualTo(TrainerStatus.Phase.STOPPED);
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
