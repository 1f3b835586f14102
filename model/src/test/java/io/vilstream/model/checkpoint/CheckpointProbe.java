package io.vilstream.model.checkpoint;

import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.vilstream.model.Fixture;
import io.vilstream.model.towers.DualEncoder;
import io.vilstream.model.views.TrainingItem;

/**
 * Run in a fresh JVM by {@link CheckpointTest}: loads a checkpoint and writes the embeddings of
 * fixed inputs, so the test can compare them bit for bit with the writer's.
 */
public final class CheckpointProbe {

    private CheckpointProbe() {
    }

    public static void main(String[] args) throws Exception {
        try (DualEncoder model = DualEncoder.load(Files.readAllBytes(Path.of(args[0])));
             DataOutputStream out = new DataOutputStream(Files.newOutputStream(Path.of(args[1])))) {
            write(out, probe(model));
        }
    }

    static float[][][] probe(DualEncoder model) {
        List<TrainingItem> items = Fixture.items(model.config().imageSize()).subList(0, 6);
        return new float[][][] {
            model.encodeImages(items.stream().map(TrainingItem::primaryImage).toList()),
            model.encodeTexts(items.stream().map(TrainingItem::caption).toList())};
    }

    static void write(DataOutputStream out, float[][][] tensors) throws java.io.IOException {
        for (float[][] t : tensors) {
            out.writeInt(t.length);
            for (float[] row : t) {
                out.writeInt(row.length);
                for (float v : row) {
                    out.writeInt(Float.floatToRawIntBits(v));
                }
            }
        }
    }
}
