package io.vilstream.model.backbone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.vilstream.model.runtime.DjlRuntime;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TF.js layers reader on a network small enough to compute by hand: zero padding, a strided
 * 3×3 convolution, batch normalisation folded into it, a clipped ReLU, a depthwise convolution
 * and a residual add; both file forms (JSON + binary, and bundled JavaScript with uint8 weights).
 */
class TfjsLayersModelTest {

    @TempDir
    Path dir;

    /** 1 input channel 4×4 → pad (0,1) → conv 3×3 stride 2, 2 filters → BN → ReLU6 → depthwise 1×1 → add. */
    private static final String TOPOLOGY = """
            {"modelTopology":{"model_config":{"class_name":"Model","config":{"layers":[
             {"name":"in","class_name":"InputLayer","config":{"batch_input_shape":[null,4,4,1]},"inbound_nodes":[]},
             {"name":"pad","class_name":"ZeroPadding2D","config":{"padding":[[0,1],[0,1]]},"inbound_nodes":[[["in",0,0,{}]]]},
             {"name":"conv","class_name":"Conv2D","config":{"filters":2,"kernel_size":[3,3],"strides":[2,2],"padding":"valid",
               "use_bias":false,"activation":"linear"},"inbound_nodes":[[["pad",0,0,{}]]]},
             {"name":"bn","class_name":"BatchNormalization","config":{"epsilon":0.0},"inbound_nodes":[[["conv",0,0,{}]]]},
             {"name":"relu","class_name":"ReLU","config":{"max_value":6.0},"inbound_nodes":[[["bn",0,0,{}]]]},
             {"name":"dw","class_name":"DepthwiseConv2D","config":{"kernel_size":[1,1],"strides":[1,1],"padding":"same",
               "use_bias":true,"activation":"linear"},"inbound_nodes":[[["relu",0,0,{}]]]},
             {"name":"sum","class_name":"Add","config":{},"inbound_nodes":[[["relu",0,0,{}],["dw",0,0,{}]]]},
             {"name":"head","class_name":"Dense","config":{},"inbound_nodes":[[["sum",0,0,{}]]]}
            ]}}},
             "weightsManifest":[{"paths":["shard"],"weights":[
               {"name":"conv/kernel","shape":[3,3,1,2],"dtype":"float32"},
               {"name":"bn/gamma","shape":[2],"dtype":"float32"},
               {"name":"bn/beta","shape":[2],"dtype":"float32"},
               {"name":"bn/moving_mean","shape":[2],"dtype":"float32"},
               {"name":"bn/moving_variance","shape":[2],"dtype":"float32"},
               {"name":"dw/depthwise_kernel","shape":[1,1,2,1],"dtype":"float32"},
               {"name":"dw/bias","shape":[2],"dtype":"float32"}]}]}
            """;

    /** Filter 0 sums its window; filter 1 takes the window's centre. */
    private static float[] weights() {
        float[] kernel = new float[18]; // H W I O
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 3; x++) {
                kernel[(y * 3 + x) * 2] = 1f;
                kernel[(y * 3 + x) * 2 + 1] = y == 1 && x == 1 ? 1f : 0f;
            }
        }
        float[] rest = {
            0.5f, 1f,      // gamma
            1f, 0f,        // beta
            2f, 0f,        // mean
            4f, 1f,        // variance: scale 0.5/2 = 0.25 and 1
            2f, -1f,       // depthwise: ×2 and ×-1
            0f, 0.5f};     // depthwise bias
        float[] all = new float[kernel.length + rest.length];
        System.arraycopy(kernel, 0, all, 0, kernel.length);
        System.arraycopy(rest, 0, all, kernel.length, rest.length);
        return all;
    }

    /** What the network computes, by hand, for input pixel values 0..15 (row-major). */
    private static float[] expected() {
        float[] x = new float[16];
        for (int i = 0; i < 16; i++) {
            x[i] = i;
        }
        float[] out = new float[2 * 2 * 2]; // [C, 2, 2]
        for (int oy = 0; oy < 2; oy++) {
            for (int ox = 0; ox < 2; ox++) {
                float sum = 0;
                for (int y = 0; y < 3; y++) {
                    for (int xx = 0; xx < 3; xx++) {
                        int iy = oy * 2 + y;
                        int ix = ox * 2 + xx;
                        sum += iy < 4 && ix < 4 ? x[iy * 4 + ix] : 0f; // padded at the bottom and right only
                    }
                }
                int cy = oy * 2 + 1;
                int cx = ox * 2 + 1;
                float centre = cy < 4 && cx < 4 ? x[cy * 4 + cx] : 0f;
                float a = Math.min(6f, Math.max(0f, (sum - 2f) * 0.25f + 1f));
                float b = Math.min(6f, Math.max(0f, centre));
                out[oy * 2 + ox] = a + (2f * a);
                out[4 + oy * 2 + ox] = b + (-b + 0.5f);
            }
        }
        return out;
    }

    private static float[] pooled(float[] chw) {
        return new float[] {(chw[0] + chw[1] + chw[2] + chw[3]) / 4f, (chw[4] + chw[5] + chw[6] + chw[7]) / 4f};
    }

    private float[] run(Path model, String layer) throws IOException {
        try (NDManager m = DjlRuntime.engine().newBaseManager()) {
            TfjsLayersModel net = TfjsLayersModel.load(model, java.util.List.of(layer), m);
            assertThat(net.channels()).isEqualTo(2);
            float[] pixels = new float[16];
            for (int i = 0; i < 16; i++) {
                pixels[i] = i;
            }
            DjlRuntime.inferenceThread();
            NDArray in = m.create(pixels, new Shape(1, 1, 4, 4));
            return net.features(in).toFloatArray();
        }
    }

    @Test
    void computesWhatTheLayersSayFromJsonAndBinaryFiles() throws IOException {
        Files.writeString(dir.resolve("model.json"), TOPOLOGY);
        ByteBuffer buf = ByteBuffer.allocate(weights().length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float w : weights()) {
            buf.putFloat(w);
        }
        Files.write(dir.resolve("shard"), buf.array());
        assertThat(run(dir, "sum")).containsExactly(pooled(expected()), Offset.offset(1e-5f));
    }

    @Test
    void readsTheBundledJavaScriptFormWithUint8Weights() throws IOException {
        // the same network as a minified module (unquoted keys, !0/!1, .5) with weights quantised to
        // min + scale·q: every weight above is a multiple of 0.5 in -1..4, so min -1 and scale 0.5 are exact
        String literal = TOPOLOGY.replace("\"use_bias\":false", "use_bias:!1").replace("\"use_bias\":true", "use_bias:!0")
                .replace("\"epsilon\":0.0", "epsilon:.0")
                .replace("\"dtype\":\"float32\"}", "\"dtype\":\"float32\",quantization:{min:-1,scale:.5,dtype:\"uint8\"}}");
        Files.writeString(dir.resolve("model.min.js"), "!function(e){}({1:[function(e,a,n){a.exports=" + literal.strip()
                + "},{}]},{},[1])(1)});");
        float[] w = weights();
        byte[] q = new byte[w.length];
        for (int i = 0; i < w.length; i++) {
            q[i] = (byte) Math.round((w[i] + 1f) / 0.5f);
        }
        Files.writeString(dir.resolve("shard.min.js"), "!function(e){}({1:[function(e,h,n){h.exports=\""
                + Base64.getEncoder().encodeToString(q) + "\"},{}]},{},[1])(1)});");
        assertThat(run(dir, "sum")).containsExactly(pooled(expected()), Offset.offset(1e-5f));
    }

    @Test
    void refusesALayerKindItDoesNotRunBeforeTheChosenLayer() throws IOException {
        Files.writeString(dir.resolve("model.json"), TOPOLOGY);
        Files.write(dir.resolve("shard"), new byte[weights().length * 4]);
        try (NDManager m = DjlRuntime.engine().newBaseManager()) {
            assertThatThrownBy(() -> TfjsLayersModel.load(dir, java.util.List.of("head"), m))
                    .hasMessageContaining("layer head is a Dense");
            assertThatThrownBy(() -> TfjsLayersModel.load(dir, java.util.List.of("nope"), m))
                    .hasMessageContaining("no layer 'nope'");
        }
    }
}
