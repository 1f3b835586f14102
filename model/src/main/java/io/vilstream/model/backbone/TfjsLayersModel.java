package io.vilstream.model.backbone;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

/**
 * A frozen convolutional network read from a TensorFlow.js layers model (Keras topology plus
 * weight shards), run forward with DJL NDArray operations up to one named layer. It knows the
 * layer kinds of MobileNet-style networks: {@code InputLayer}, {@code ZeroPadding2D},
 * {@code Conv2D}, {@code DepthwiseConv2D}, {@code BatchNormalization}, {@code ReLU} and
 * {@code Add}; a graph that needs another kind before the chosen layer is refused when loaded.
 *
 * <p>Batch normalisation is folded into the convolution before it (inference statistics never
 * change), so a block costs one convolution and a clip. Weights quantised to uint8 or uint16
 * (TF.js's {@code min + scale · q}) are expanded to float32 once at load time. Input and output
 * are NCHW.
 *
 * <p>The files may be plain JSON and binary shards (what the TF.js converter writes) or the same
 * content wrapped as JavaScript modules ({@code model.min.js}, {@code group1-shard1of1.min.js}:
 * an object literal and a base64 string), which is how npm packages bundle a model.
 */
public final class TfjsLayersModel {

    /** One computation of the pruned graph, in topological order. */
    private record Node(String name, String kind, List<String> inputs, JsonNode config) {
    }

    /** A convolution with its batch normalisation folded in (weights OIHW, bias per output channel). */
    private record Conv(float[] weight, Shape weightShape, float[] bias, int stride, int[] pad, int groups) {
    }

    private final List<Node> order;
    private final Map<String, Node> lastUse = new HashMap<>();
    private final Map<String, Conv> convs;
    private final List<String> outputs;
    private final int channels;
    private final Map<String, NDArray[]> arrays = new HashMap<>();

    private TfjsLayersModel(List<Node> order, Map<String, Conv> convs, List<String> outputs, int channels,
                            NDManager weights) {
        this.order = order;
        this.convs = convs;
        this.outputs = outputs;
        this.channels = channels;
        convs.forEach((name, c) -> arrays.put(name, new NDArray[] {
                weights.create(c.weight(), c.weightShape()), weights.create(c.bias())}));
        for (Node n : order) {
            for (String in : n.inputs()) {
                lastUse.put(in, n);
            }
        }
    }

    /** Output channels of the chosen layers together: the width of {@link #features}. */
    public int channels() {
        return channels;
    }

    /**
     * Reads {@code model.json} or {@code model.min.js} in {@code directory} and its weight shards,
     * keeping only what {@code outputLayers} depend on; its weights live in
     * ({@code arrays}; close that manager to free them).
     */
    public static TfjsLayersModel load(Path directory, List<String> outputLayers, NDManager arrays) throws IOException {
        String outputLayer = String.join(", ", outputLayers);
        JsonNode root = readModelFile(directory);
        JsonNode layers = root.path("modelTopology").path("model_config").path("config").path("layers");
        if (!layers.isArray() || layers.isEmpty()) {
            throw new IOException("no Keras layers in the model topology of " + directory);
        }
        Map<String, Node> byName = new LinkedHashMap<>();
        for (JsonNode layer : layers) {
            List<String> inputs = new ArrayList<>();
            for (JsonNode node : layer.path("inbound_nodes")) {
                for (JsonNode in : node) {
                    inputs.add(in.get(0).asText());
                }
            }
            String name = layer.path("name").asText(layer.path("config").path("name").asText());
            byName.put(name, new Node(name, layer.path("class_name").asText(), inputs, layer.path("config")));
        }
        List<Node> order = new ArrayList<>();
        Map<String, Boolean> seen = new HashMap<>();
        for (String layer : outputLayers) {
            if (!byName.containsKey(layer)) {
                throw new IOException("the model has no layer '" + layer + "'");
            }
            topological(layer, byName, seen, order);
        }
        Map<String, float[]> weights = readWeights(directory, root.path("weightsManifest"));

        Map<String, Conv> convs = new HashMap<>();
        Map<String, Integer> width = new HashMap<>();
        List<Node> kept = new ArrayList<>();
        Map<String, String> alias = new HashMap<>(); // a folded batch norm answers with its convolution's output
        for (Node n : order) {
            List<String> ins = n.inputs().stream().map(i -> alias.getOrDefault(i, i)).toList();
            Node node = new Node(n.name(), n.kind(), ins, n.config());
            switch (n.kind()) {
                case "InputLayer" -> {
                    JsonNode shape = n.config().path("batch_input_shape");
                    width.put(n.name(), shape.get(shape.size() - 1).asInt());
                    kept.add(node);
                }
                case "ZeroPadding2D", "ReLU" -> {
                    width.put(n.name(), width.get(ins.get(0)));
                    kept.add(node);
                }
                case "Add" -> {
                    width.put(n.name(), width.get(ins.get(0)));
                    kept.add(node);
                }
                case "Conv2D", "DepthwiseConv2D" -> {
                    Conv c = conv(n, width.get(ins.get(0)), weights);
                    convs.put(n.name(), c);
                    width.put(n.name(), (int) c.weightShape().get(0));
                    kept.add(node);
                }
                case "BatchNormalization" -> {
                    Conv c = convs.get(ins.get(0));
                    if (c == null) {
                        throw new IOException("batch normalisation " + n.name() + " does not follow a convolution");
                    }
                    convs.put(ins.get(0), fold(c, n, weights));
                    alias.put(n.name(), ins.get(0));
                }
                default -> throw new IOException("layer " + n.name() + " is a " + n.kind()
                        + ", which this reader does not run (before '" + outputLayer + "')");
            }
        }
        List<String> outs = outputLayers.stream().map(l -> alias.getOrDefault(l, l)).toList();
        return new TfjsLayersModel(kept, convs, outs, outs.stream().mapToInt(width::get).sum(), arrays);
    }

    private static void topological(String name, Map<String, Node> byName, Map<String, Boolean> seen, List<Node> out)
            throws IOException {
        if (seen.containsKey(name)) {
            return;
        }
        seen.put(name, true);
        Node n = byName.get(name);
        if (n == null) {
            throw new IOException("the model refers to a missing layer '" + name + "'");
        }
        for (String in : n.inputs()) {
            topological(in, byName, seen, out);
        }
        out.add(n);
    }

    private static Conv conv(Node n, int inChannels, Map<String, float[]> weights) throws IOException {
        JsonNode c = n.config();
        boolean depthwise = n.kind().equals("DepthwiseConv2D");
        int kh = c.path("kernel_size").get(0).asInt();
        int kw = c.path("kernel_size").get(1).asInt();
        int stride = c.path("strides").get(0).asInt();
        if (c.path("strides").get(1).asInt() != stride || kh != kw
                || (c.has("dilation_rate") && c.path("dilation_rate").get(0).asInt() != 1)) {
            throw new IOException("convolution " + n.name() + ": only square kernels, equal strides and no dilation");
        }
        if (!"linear".equals(c.path("activation").asText("linear"))) {
            throw new IOException("convolution " + n.name() + " has a fused activation, which this reader does not run");
        }
        String padding = c.path("padding").asText();
        if (!padding.equals("same") && !padding.equals("valid")) {
            throw new IOException("convolution " + n.name() + ": unknown padding " + padding);
        }
        if (padding.equals("same") && stride != 1) {
            throw new IOException("convolution " + n.name() + ": 'same' padding with stride " + stride
                    + " is asymmetric in Keras; only ZeroPadding2D + 'valid' is supported");
        }
        int p = padding.equals("same") ? (kh - 1) / 2 : 0;
        float[] k = require(weights, n.name() + (depthwise ? "/depthwise_kernel" : "/kernel"));
        int out = depthwise ? inChannels * c.path("depth_multiplier").asInt(1) : c.path("filters").asInt();
        int in = depthwise ? 1 : inChannels;
        if (k.length != kh * kw * in * out) {
            throw new IOException("convolution " + n.name() + ": kernel has " + k.length + " values, expected "
                    + kh * kw * in * out);
        }
        // Keras HWIO (depthwise: H W C multiplier, which is the same order for multiplier 1) → OIHW
        float[] w = new float[k.length];
        for (int y = 0; y < kh; y++) {
            for (int x = 0; x < kw; x++) {
                for (int i = 0; i < in; i++) {
                    for (int o = 0; o < out; o++) {
                        w[((o * in + i) * kh + y) * kw + x] = k[((y * kw + x) * in + i) * out + o];
                    }
                }
            }
        }
        float[] bias = c.path("use_bias").asBoolean(true) ? require(weights, n.name() + "/bias") : new float[out];
        return new Conv(w, new Shape(out, in, kh, kw), bias.clone(), stride, new int[] {p, p},
                depthwise ? inChannels : 1);
    }

    private static Conv fold(Conv c, Node bn, Map<String, float[]> weights) throws IOException {
        JsonNode cfg = bn.config();
        int out = (int) c.weightShape().get(0);
        float eps = (float) cfg.path("epsilon").asDouble(1e-3);
        float[] gamma = cfg.path("scale").asBoolean(true) ? require(weights, bn.name() + "/gamma") : filled(out, 1f);
        float[] beta = cfg.path("center").asBoolean(true) ? require(weights, bn.name() + "/beta") : filled(out, 0f);
        float[] mean = require(weights, bn.name() + "/moving_mean");
        float[] var = require(weights, bn.name() + "/moving_variance");
        if (gamma.length != out || mean.length != out) {
            throw new IOException("batch normalisation " + bn.name() + " has " + mean.length + " channels, expected " + out);
        }
        float[] w = c.weight().clone();
        float[] b = new float[out];
        int per = w.length / out;
        for (int o = 0; o < out; o++) {
            float s = gamma[o] / (float) Math.sqrt(var[o] + eps);
            for (int j = 0; j < per; j++) {
                w[o * per + j] *= s;
            }
            b[o] = (c.bias()[o] - mean[o]) * s + beta[o];
        }
        return new Conv(w, c.weightShape(), b, c.stride(), c.pad(), c.groups());
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    private static float[] require(Map<String, float[]> weights, String name) throws IOException {
        float[] w = weights.get(name);
        if (w == null) {
            throw new IOException("the weights have no tensor '" + name + "'");
        }
        return w;
    }

    /**
     * Runs the network on {@code [B, C, H, W]} and returns the chosen layers' outputs, each
     * averaged over its spatial positions, side by side: {@code [B, channels]}. Intermediate arrays are freed as soon
     * as nothing reads them (at 128 px a batch of 8 holds 12 MB per activation). Safe to call from
     * several threads: the weights are only read.
     */
    public NDArray features(NDArray input) {
        Map<String, NDArray> values = new HashMap<>();
        for (Node n : order) {
            NDArray y = switch (n.kind()) {
                case "InputLayer" -> input;
                case "ZeroPadding2D" -> {
                    JsonNode p = n.config().path("padding");
                    // F.pad order: last dimension first (left, right), then (top, bottom)
                    yield values.get(n.inputs().get(0)).pad(new Shape(p.get(1).get(0).asLong(), p.get(1).get(1).asLong(),
                            p.get(0).get(0).asLong(), p.get(0).get(1).asLong()), 0);
                }
                case "ReLU" -> {
                    double max = n.config().path("max_value").asDouble(Double.POSITIVE_INFINITY);
                    NDArray x = values.get(n.inputs().get(0));
                    yield Double.isInfinite(max) ? x.maximum(0f) : x.clip(0f, (float) max);
                }
                case "Add" -> {
                    NDArray sum = values.get(n.inputs().get(0));
                    for (int i = 1; i < n.inputs().size(); i++) {
                        sum = sum.add(values.get(n.inputs().get(i)));
                    }
                    yield sum;
                }
                default -> {
                    Conv c = convs.get(n.name());
                    NDArray[] wb = arrays.get(n.name());
                    yield Conv2d.conv2d(values.get(n.inputs().get(0)), wb[0], wb[1], new Shape(c.stride(), c.stride()),
                            new Shape(c.pad()[0], c.pad()[1]), new Shape(1, 1), c.groups()).singletonOrThrow();
                }
            };
            values.put(n.name(), y);
            for (String in : n.inputs()) {
                if (lastUse.get(in) == n && !outputs.contains(in) && values.get(in) != input) {
                    values.remove(in).close(); // free activations as soon as nothing reads them
                }
            }
        }
        NDList pooled = new NDList();
        for (String o : outputs) {
            pooled.add(values.get(o).mean(new int[] {3}).mean(new int[] {2}));
        }
        return pooled.size() == 1 ? pooled.get(0) : NDArrays.concat(pooled, 1);
    }

    // ---- reading the files ----

    private static JsonNode readModelFile(Path dir) throws IOException {
        Path json = dir.resolve("model.json");
        String text;
        if (Files.isRegularFile(json)) {
            text = Files.readString(json);
        } else {
            Path js = dir.resolve("model.min.js");
            if (!Files.isRegularFile(js)) {
                throw new IOException("neither model.json nor model.min.js in " + dir);
            }
            text = objectLiteralToJson(exportedValue(Files.readString(js)));
        }
        return MAPPER.readTree(text);
    }

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES)
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private static Map<String, float[]> readWeights(Path dir, JsonNode manifest) throws IOException {
        Map<String, float[]> out = new HashMap<>();
        for (JsonNode group : manifest) {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            for (JsonNode p : group.path("paths")) {
                bytes.write(shard(dir, p.asText()));
            }
            ByteBuffer buf = ByteBuffer.wrap(bytes.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
            for (JsonNode w : group.path("weights")) {
                long n = 1;
                for (JsonNode d : w.path("shape")) {
                    n *= d.asLong();
                }
                float[] v = new float[Math.toIntExact(n)];
                JsonNode q = w.path("quantization");
                if (!"float32".equals(w.path("dtype").asText())) {
                    throw new IOException("weight " + w.path("name").asText() + " has dtype " + w.path("dtype").asText());
                }
                if (q.isMissingNode()) {
                    for (int i = 0; i < v.length; i++) {
                        v[i] = buf.getFloat();
                    }
                } else {
                    float min = (float) q.path("min").asDouble();
                    float scale = (float) q.path("scale").asDouble();
                    String qt = q.path("dtype").asText();
                    for (int i = 0; i < v.length; i++) {
                        int raw = switch (qt) {
                            case "uint8" -> buf.get() & 0xff;
                            case "uint16" -> buf.getShort() & 0xffff;
                            default -> throw new IOException("weight " + w.path("name").asText() + ": quantisation " + qt);
                        };
                        v[i] = min + scale * raw;
                    }
                }
                out.put(w.path("name").asText(), v);
            }
            if (buf.hasRemaining()) {
                throw new IOException("weight shards of " + dir + " have " + buf.remaining() + " bytes the manifest does not describe");
            }
        }
        return out;
    }

    private static byte[] shard(Path dir, String name) throws IOException {
        Path bin = dir.resolve(name);
        if (Files.isRegularFile(bin)) {
            return Files.readAllBytes(bin);
        }
        Path js = dir.resolve(name + ".min.js");
        if (!Files.isRegularFile(js)) {
            throw new IOException("weight shard " + name + " is missing from " + dir);
        }
        String value = exportedValue(Files.readString(js, StandardCharsets.ISO_8859_1)).trim();
        if (value.length() < 2 || value.charAt(0) != '"') {
            throw new IOException("weight shard " + js + " does not export a base64 string");
        }
        return Base64.getDecoder().decode(value.substring(1, value.length() - 1));
    }

    /** The expression assigned by the first {@code exports=} of a bundled module, up to where it ends. */
    static String exportedValue(String js) throws IOException {
        int at = js.indexOf("exports=", js.indexOf("[function"));
        if (at < 0) {
            throw new IOException("not a bundled module: no exports assignment");
        }
        int start = at + "exports=".length();
        int depth = 0;
        char quote = 0;
        for (int i = start; i < js.length(); i++) {
            char ch = js.charAt(i);
            if (quote != 0) {
                if (ch == '\\') {
                    i++;
                } else if (ch == quote) {
                    quote = 0;
                    if (depth == 0) {
                        return js.substring(start, i + 1);
                    }
                }
            } else if (ch == '"' || ch == '\'') {
                quote = ch;
            } else if (ch == '{' || ch == '[') {
                depth++;
            } else if (ch == '}' || ch == ']') {
                depth--;
                if (depth == 0) {
                    return js.substring(start, i + 1);
                }
            }
        }
        throw new IOException("not a bundled module: the exported value does not end");
    }

    /**
     * A minified object literal as JSON: {@code !0}/{@code !1} become true/false and numbers
     * written {@code .5} or {@code -.5} get their leading zero. Strings are copied untouched.
     */
    static String objectLiteralToJson(String js) {
        StringBuilder out = new StringBuilder(js.length() + 1024);
        char quote = 0;
        for (int i = 0; i < js.length(); i++) {
            char ch = js.charAt(i);
            if (quote != 0) {
                out.append(ch);
                if (ch == '\\' && i + 1 < js.length()) {
                    out.append(js.charAt(++i));
                } else if (ch == quote) {
                    quote = 0;
                }
                continue;
            }
            if (ch == '"') {
                quote = ch;
                out.append(ch);
            } else if (ch == '!' && i + 1 < js.length() && (js.charAt(i + 1) == '0' || js.charAt(i + 1) == '1')) {
                out.append(js.charAt(i + 1) == '0' ? "true" : "false");
                i++;
            } else if (ch == '.' && i + 1 < js.length() && Character.isDigit(js.charAt(i + 1))
                    && (out.length() == 0 || !Character.isDigit(out.charAt(out.length() - 1)))) {
                out.append("0.");
            } else {
                out.append(ch);
            }
        }
        return out.toString();
    }
}
