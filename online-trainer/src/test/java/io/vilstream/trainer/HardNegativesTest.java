package io.vilstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vilstream.datasets.split.Split;
import io.vilstream.schemas.avro.HardNegatives;
import io.vilstream.schemas.avro.Negative;
import io.vilstream.testkit.VilstreamCluster;
import io.vilstream.trainer.batch.TrainedBatch;
import io.vilstream.trainer.config.TrainerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The hard-negative queue is used: negatives named on {@code vilstream.hard-negatives.v1} reach
 * the trainer's batches as extra candidate columns (after the warm-up), next to their anchor;
 * a negative naming the anchor itself, an unknown id, or a held-out (val/test) item never does,
 * and neither do the negatives of a held-out anchor.
 */
class HardNegativesTest {

    @RegisterExtension
    static final VilstreamCluster CLUSTER = new VilstreamCluster();

    private static final int WARMUP = 3;

    @Test
    void negativesNamedOnTheQueueBecomeExtraCandidatesOfTheirAnchorsBatch() throws Exception {
        List<String> train = TrainerTestData.idsOf(Split.TRAIN);
        List<String> val = TrainerTestData.idsOf(Split.VAL);
        List<String> test = TrainerTestData.idsOf(Split.TEST);
        String anchor = train.get(0);
        String negative = train.get(1);
        String negativeOfHeldOutAnchor = train.get(5);
        TrainerTestData.produceContent(CLUSTER, TrainerTestData.fixtureEvents());
        TrainerTestData.produceHardNegatives(CLUSTER, List.of(
                mined(anchor, anchor, negative, test.get(0), val.get(0), "no-such-content"),
                mined(train.get(2), train.get(3), train.get(4)),
                mined(test.get(1), negativeOfHeldOutAnchor)));

        Map<String, Object> props = TrainerTestData.trainerProps(CLUSTER, "negatives");
        props.put(TrainerConfig.HARD_NEGATIVES_WARMUP_STEPS, String.valueOf(WARMUP));
        List<TrainedBatch> batches = new CopyOnWriteArrayList<>();
        try (OnlineTrainer trainer = new OnlineTrainer(new TrainerConfig(props),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), batches::add).start()) {
            await().atMost(Duration.ofMinutes(2)).until(() -> {
                assertThat(trainer.failure()).isEmpty();
                return batches.stream().anyMatch(b -> b.hardNegativeIds().contains(negative))
                        && batches.stream().anyMatch(b -> b.hardNegativeIds().contains(train.get(4)));
            });
        }

        TrainedBatch used = batches.stream().filter(b -> b.hardNegativeIds().contains(negative)).findFirst().orElseThrow();
        assertThat(used.anchorIds()).as("the anchor trains in the batch of its negatives").contains(anchor);
        assertThat(used.result().hardNegatives()).as("columns the loss used")
                .isEqualTo(used.hardNegativeIds().size()).isPositive();
        assertThat(used.result().step()).isGreaterThan(WARMUP);

        Set<String> heldOut = new HashSet<>(val);
        heldOut.addAll(test);
        for (TrainedBatch b : batches) {
            if (b.result().step() <= WARMUP) {
                assertThat(b.hardNegativeIds()).as("warm-up step %d", b.result().step()).isEmpty();
            }
            assertThat(b.hardNegativeIds()).as("step %d", b.result().step())
                    .doesNotContainAnyElementsOf(heldOut)
                    .doesNotContain("no-such-content", negativeOfHeldOutAnchor)
                    .doesNotContainAnyElementsOf(b.anchorIds());
            assertThat(b.anchorIds()).doesNotContainAnyElementsOf(heldOut);
        }
    }

    private static HardNegatives mined(String anchor, String... negatives) {
        List<Negative> list = new ArrayList<>();
        float sim = 0.9f;
        for (String n : negatives) {
            list.add(Negative.newBuilder().setContentId(n).setSimilarity(sim).build());
            sim -= 0.05f;
        }
        return HardNegatives.newBuilder().setAnchorId(anchor).setNegatives(list).setModelName("negatives")
                .setModelVersion(0).setMinedAt(Instant.now()).build();
    }
}
