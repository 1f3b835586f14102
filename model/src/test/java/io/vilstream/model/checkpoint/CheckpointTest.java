package io.vilstream.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.vilstream.model.Fixture;
import io.vilstream.model.config.ModelConfig;
import io.vilstream.model.tagger.TagVocabulary;
import io.vilstream.model.towers.DualEncoder;
import io.vilstream.model.training.ContrastiveTrainer;
import io.vilstream.model.training.TrainingConfig;
import io.vilstream.model.views.TrainingItem;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

    private static byte[] checkpoint;
    private static float[][][] expected;

    @BeforeAll
    static void trainAndSave() {
        List<TrainingItem> items = Fixture.items(ModelConfig.tiny().imageSize());
        TagVocabulary vocab = TagVocabulary.build(items.stream().map(TrainingItem::tags).toList(), 1, 256);
        try (DualEncoder model = DualEncoder.create(ModelConfig.tiny(), vocab, 5)) {
            ContrastiveTrainer trainer = new ContrastiveTrainer(model, TrainingConfig.defaults(5, 0).withBatchSize(8));
            for (int i = 0; i < 3; i++) {
                trainer.step(items.subList(8 * i, 8 * i + 8), List.of());
            }
            checkpoint = model.toCheckpoint(7, 6L, trainer.step());
            expected = CheckpointProbe.probe(model);
        }
    }

    @Test
    void roundTripKeepsLineageVocabularyAndEmbeddings() throws Exception {
        try (DualEncoder loaded = DualEncoder.load(checkpoint)) {
            assertThat(loaded.version()).isEqualTo(7);
            assertThat(loaded.parent()).isEqualTo(6L);
            assertThat(loaded.trainingStep()).isEqualTo(3);
            assertThat(loaded.config()).isEqualTo(ModelConfig.tiny());
            assertThat(loaded.vocabulary().size()).isPositive();
            assertThat(CheckpointProbe.probe(loaded)).isDeepEqualTo(expected);
        }
    }

    @Test
    void aLoadedModelTrainsOn() throws Exception {
        List<TrainingItem> items = Fixture.items(ModelConfig.tiny().imageSize());
        try (DualEncoder loaded = DualEncoder.load(checkpoint)) {
            ContrastiveTrainer trainer = new ContrastiveTrainer(loaded, TrainingConfig.defaults(5, 0).withBatchSize(8));
            var result = trainer.step(items.subList(0, 8), List.of());
            assertThat(result.loss()).isFinite();
            assertThat(Arrays.deepEquals(CheckpointProbe.probe(loaded), expected)).as("one step moved the weights").isFalse();
        }
    }

    @Test
    void aFreshJvmReproducesTheEmbeddingsBitForBit(@TempDir Path dir) throws Exception {
        Path ckpt = dir.resolve("model.ckpt");
        Path out = dir.resolve("embeddings.bin");
        Files.write(ckpt, checkpoint);
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true",
                "-cp", System.getProperty("java.class.path"),
                CheckpointProbe.class.getName(), ckpt.toString(), out.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("probe.log").toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("probe JVM finished").isTrue();
        assertThat(p.exitValue()).as(Files.readString(dir.resolve("probe.log"))).isZero();
        ByteArrayOutputStream mine = new ByteArrayOutputStream();
        CheckpointProbe.write(new DataOutputStream(mine), expected);
        assertThat(Files.readAllBytes(out)).isEqualTo(mine.toByteArray());
    }

    @Test
    void versionZeroEmbedsTheSameWhateverTheTagVocabulary() {
        List<TrainingItem> items = Fixture.items(ModelConfig.tiny().imageSize());
        TagVocabulary vocab = TagVocabulary.build(items.stream().map(TrainingItem::tags).toList(), 1, 256);
        try (DualEncoder withTags = DualEncoder.create(ModelConfig.tiny(), vocab, 77);
             DualEncoder seeded = DualEncoder.initial(ModelConfig.tiny(), 77)) {
            assertThat(CheckpointProbe.probe(seeded)).isDeepEqualTo(CheckpointProbe.probe(withTags));
            assertThat(seeded.vocabulary().size()).isZero();
        }
    }

    @Test
    void refusesATruncatedCheckpoint() {
        byte[] cut = Arrays.copyOf(checkpoint, checkpoint.length - 100);
        assertRefused(cut, CheckpointException.Reason.TRUNCATED, "truncated");
        assertRefused(Arrays.copyOf(checkpoint, 14), CheckpointException.Reason.TRUNCATED, "truncated");
    }

    @Test
    void refusesACorruptedCheckpoint() {
        byte[] bad = checkpoint.clone();
        bad[bad.length / 2] ^= 0x40;
        assertRefused(bad, CheckpointException.Reason.CORRUPTED, "SHA-256");
    }

    @Test
    void refusesAnotherFormatVersion() {
        byte[] bad = checkpoint.clone();
        bad[11] = 9; // the int32 after the 8 magic bytes
        assertRefused(bad, CheckpointException.Reason.UNSUPPORTED_VERSION, "version 9");
    }

    @Test
    void refusesBytesThatAreNoCheckpoint() {
        assertRefused("PK\u0003\u0004 a zip file".getBytes(), CheckpointException.Reason.NOT_A_CHECKPOINT, "magic");
        assertRefused(new byte[0], CheckpointException.Reason.NOT_A_CHECKPOINT, "magic");
    }

    @Test
    void recordsTheSha256OfTheWholeCheckpoint() throws Exception {
        CheckpointFormat.Parts parts = CheckpointFormat.read(checkpoint);
        assertThat(parts.sha256()).isEqualTo(CheckpointFormat.sha256Hex(checkpoint)).hasSize(64);
    }

    private static void assertRefused(byte[] bytes, CheckpointException.Reason reason, String mentions) {
        assertThatThrownBy(() -> DualEncoder.load(bytes))
                .asInstanceOf(InstanceOfAssertFactories.type(CheckpointException.class))
                .satisfies(e -> {
                    assertThat(e.reason()).isEqualTo(reason);
                    assertThat(e.getMessage()).contains(mentions);
                });
    }
}
