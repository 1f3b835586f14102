package io.vilstream.trainer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.vilstream.model.config.ModelConfig;
import io.vilstream.runtime.config.ConfigDocs;
import io.vilstream.trainer.gate.GateMetric;
import io.vilstream.trainer.replay.ReplayPolicy;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class TrainerConfigTest {

    private static Map<String, Object> minimal() {
        Map<String, Object> p = new HashMap<>();
        p.put("bootstrap.servers", "127.0.0.1:9092");
        p.put("schema.registry.url", "http://127.0.0.1:8081");
        return p;
    }

    @Test
    void defaultsNeedOnlyTheClusterAndDescribeTheSharedModelAndTopics() {
        TrainerConfig c = new TrainerConfig(minimal());
        assertThat(c.modelName()).isEqualTo("vilstream-dual");
        assertThat(c.instanceId()).isEqualTo("vilstream-trainer-vilstream-dual");
        assertThat(c.modelConfig()).isEqualTo(ModelConfig.defaults());
        assertThat(c.metricsPort()).isEqualTo(9402);
        assertThat(c.replayPolicy()).isEqualTo(ReplayPolicy.FIFO);
        assertThat(c.gateMetric()).isEqualTo(GateMetric.MEAN_RECALL);
        assertThat(c.trainingConfig().batchSize()).isEqualTo(64);
        assertThat(c.trainingConfig().schedule().totalSteps()).as("no decay: online training has no end").isZero();
        assertThat(c.contentTopic()).isEqualTo("vilstream.content.v1");
        assertThat(c.vocabularyMinTrainItems()).as("0 means one batch").isEqualTo(64);
    }

    @Test
    void weightDecayFollowsThePresetUnlessSet() {
        assertThat(new TrainerConfig(minimal()).trainingConfig().weightDecay())
                .as("a frozen text backbone").isEqualTo(io.vilstream.model.training.TrainingConfig.BACKBONE_WEIGHT_DECAY);
        Map<String, Object> tiny = minimal();
        tiny.put("model.preset", "tiny");
        assertThat(new TrainerConfig(tiny).trainingConfig().weightDecay())
                .isEqualTo(io.vilstream.model.training.TrainingConfig.DEFAULT_WEIGHT_DECAY);
        Map<String, Object> set = minimal();
        set.put(TrainerConfig.WEIGHT_DECAY, "0.1");
        assertThat(new TrainerConfig(set).trainingConfig().weightDecay()).isEqualTo(0.1f);
        set.put(TrainerConfig.WEIGHT_DECAY, "-0.5");
        assertThatThrownBy(() -> new TrainerConfig(set)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(TrainerConfig.WEIGHT_DECAY).hasMessageContaining("-1 (the preset's)");
    }

    @Test
    void topicRenamesAndTheTinyPresetAreHonoured() {
        Map<String, Object> p = minimal();
        p.put("topics.prefix", "staging.");
        p.put("model.preset", "tiny");
        p.put("model.name", "m1");
        TrainerConfig c = new TrainerConfig(p);
        assertThat(c.hardNegativesTopic()).isEqualTo("staging.vilstream.hard-negatives.v1");
        assertThat(c.modelStoreTopics().versions()).isEqualTo("staging.vilstream.model.versions.v1");
        assertThat(c.modelConfig()).isEqualTo(ModelConfig.tiny());
        assertThat(c.instanceId()).isEqualTo("vilstream-trainer-m1");
    }

    @Test
    void anUnknownReplayPolicyFailsNamingTheKeyAndTheAllowedValues() {
        Map<String, Object> p = minimal();
        p.put(TrainerConfig.REPLAY_POLICY, "lifo");
        assertThatThrownBy(() -> new TrainerConfig(p)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(TrainerConfig.REPLAY_POLICY).hasMessageContaining("fifo").hasMessageContaining("reservoir");
    }

    @Test
    void aReplayBufferSmallerThanABatchFailsNamingTheKey() {
        Map<String, Object> p = minimal();
        p.put(TrainerConfig.BATCH_SIZE, "32");
        p.put(TrainerConfig.REPLAY_SIZE, "16");
        assertThatThrownBy(() -> new TrainerConfig(p)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(TrainerConfig.REPLAY_SIZE).hasMessageContaining(TrainerConfig.BATCH_SIZE);
    }

    @Test
    void outOfRangeAndMissingValuesFailNamingTheKey() {
        Map<String, Object> p = minimal();
        p.put(TrainerConfig.GATE_TOLERANCE, "-0.5");
        assertThatThrownBy(() -> new TrainerConfig(p)).hasMessageContaining(TrainerConfig.GATE_TOLERANCE);
        Map<String, Object> q = minimal();
        q.remove("bootstrap.servers");
        assertThatThrownBy(() -> new TrainerConfig(q)).hasMessageContaining("bootstrap.servers");
        Map<String, Object> r = minimal();
        r.put("topics.partitions", "many");
        assertThatThrownBy(() -> new TrainerConfig(r)).isInstanceOf(ConfigException.class).hasMessageContaining("topics.");
    }

    @Test
    void theFloorUnderTheBestIsTheToleranceUnlessSetAndNeverTighterThanIt() {
        TrainerConfig defaults = new TrainerConfig(minimal());
        assertThat(defaults.gateFloor()).isEqualTo(0.01);
        assertThat(defaults.validationRenditions()).isEqualTo(2);
        Map<String, Object> loose = minimal();
        loose.put(TrainerConfig.GATE_TOLERANCE, "1");
        assertThat(new TrainerConfig(loose).gateFloor()).as("a tolerance of 1 still lets everything through").isEqualTo(1.0);
        Map<String, Object> wider = minimal();
        wider.put(TrainerConfig.GATE_FLOOR, "0.03");
        assertThat(new TrainerConfig(wider).gateFloor()).isEqualTo(0.03);

        Map<String, Object> tighter = minimal();
        tighter.put(TrainerConfig.GATE_FLOOR, "0.005");
        assertThatThrownBy(() -> new TrainerConfig(tighter)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(TrainerConfig.GATE_FLOOR).hasMessageContaining(TrainerConfig.GATE_TOLERANCE);
        Map<String, Object> negative = minimal();
        negative.put(TrainerConfig.GATE_FLOOR, "-0.5");
        assertThatThrownBy(() -> new TrainerConfig(negative)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(TrainerConfig.GATE_FLOOR);
        Map<String, Object> noRendition = minimal();
        noRendition.put(TrainerConfig.VALIDATION_RENDITIONS, "0");
        assertThatThrownBy(() -> new TrainerConfig(noRendition)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(TrainerConfig.VALIDATION_RENDITIONS);
    }

    @Test
    void theReferenceTableIsGeneratedFromTheDeclaration() {
        String table = ConfigDocs.markdown(TrainerConfig.CONFIG);
        assertThat(table).contains("`trainer.gate.tolerance`", "`trainer.gate.floor`", "`VILSTREAM_TRAINER_REPLAY_POLICY`",
                "`model.preset`");
    }

    @Test
    void theReadmeCarriesTheGeneratedTableUnchanged() throws IOException {
        // regenerate with: ./vilstream trainer --describe-config (or ConfigDocs.markdown(TrainerConfig.CONFIG))
        String readme = Files.readString(Path.of("README.md"));
        assertThat(readme).contains(ConfigDocs.markdown(TrainerConfig.CONFIG));
    }
}
