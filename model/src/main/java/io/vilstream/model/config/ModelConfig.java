package io.vilstream.model.config;

import java.util.List;

/**
 * The architecture of a dual encoder: everything needed to rebuild its blocks before loading
 * parameters. Stored in every checkpoint, so a model is self-describing; the sizes are
 * configuration, not code (the paper's ViT-B/16 and 12-layer text transformer would be a
 * different config of the same roles).
 *
 * @param name           model name; the key of its versions on the model topics
 * @param imageSize      square input side in pixels
 * @param imageWidths    output channels of each convolution stage (depth = length)
 * @param textBuckets    rows of the hashed n-gram embedding table
 * @param textDim        width of token embeddings and of the text encoder
 * @param maxWords       words kept per text
 * @param maxFeaturesPerWord hashed features kept per word (the word itself, then char n-grams)
 * @param ngramMin       shortest char n-gram
 * @param ngramMax       longest char n-gram
 * @param textLayers     self-attention layers over word vectors (0 = bag of words)
 * @param textHeads      attention heads per layer
 * @param embeddingDim   the common embedding dimension d
 * @param sharedLogitScale one learned temperature for all loss terms instead of one per term
 * @param textBackbone   a frozen pretrained text encoder ({@code BackboneSpec} id) whose sentence
 *                       features replace the hashed text tower; null for the hashed tower (the
 *                       hashed fields are then unused)
 * @param textHead       with a backbone, what maps its features into the shared space:
 *                       {@code none} (the backbone's space itself, LiT fully locked; needs
 *                       embeddingDim = the backbone's width), {@code adapter} (the features plus a
 *                       trained residual bottleneck that starts at zero; same width), or
 *                       {@code linear} (a trained linear map to embeddingDim)
 * @param imageBackbone  a frozen pretrained image network ({@code ImageBackboneSpec} id) whose
 *                       pooled features join the trained CNN's before the image projection; null
 *                       for the CNN alone
 */
public record ModelConfig(
        String name,
        int imageSize,
        List<Integer> imageWidths,
        int textBuckets,
        int textDim,
        int maxWords,
        int maxFeaturesPerWord,
        int ngramMin,
        int ngramMax,
        int textLayers,
        int textHeads,
        int embeddingDim,
        boolean sharedLogitScale,
        String textBackbone,
        String textHead,
        String imageBackbone) {

    public static final String DEFAULT_NAME = "vilstream-dual";

    public ModelConfig {
        imageWidths = List.copyOf(imageWidths);
        require(name != null && !name.isBlank(), "name must not be blank");
        require(imageSize >= 16 && imageSize <= 1024, "imageSize must be in 16..1024");
        require(!imageWidths.isEmpty() && imageWidths.stream().allMatch(w -> w > 0), "imageWidths must be positive");
        require(imageSize >> imageWidths.size() >= 1, "imageSize too small for " + imageWidths.size() + " stages");
        require(textBuckets >= 1024, "textBuckets must be at least 1024");
        require(textDim > 0 && embeddingDim > 0, "dimensions must be positive");
        require(maxWords > 0 && maxFeaturesPerWord > 0, "maxWords and maxFeaturesPerWord must be positive");
        require(ngramMin >= 1 && ngramMax >= ngramMin, "need 1 <= ngramMin <= ngramMax");
        require(textLayers >= 0 && textHeads > 0 && textDim % textHeads == 0, "textDim must divide into textHeads");
        if (textBackbone != null) {
            require(TEXT_HEADS.contains(textHead), "textHead must be one of " + TEXT_HEADS + " with a text backbone, got " + textHead);
        }
    }

    /** The text heads a backbone model may have (see the record's documentation). */
    public static final List<String> TEXT_HEADS = List.of("none", "adapter", "linear");

    /** Whether a frozen pretrained image network feeds the image projection beside the CNN. */
    public boolean hasImageBackbone() {
        return imageBackbone != null;
    }

    /** Whether the text side is a frozen pretrained backbone rather than the hashed tower. */
    public boolean hasTextBackbone() {
        return textBackbone != null;
    }

    /**
     * The default ({@code model.preset=default}): {@link #minilmMobilenet}, pretrained on both
     * sides. It retrieves unseen concepts better than {@link #minilm} (the text side alone
     * pretrained), which beat the hashed tower trained from scratch (docs/BENCHMARKS.md, bench train).
     */
    public static ModelConfig defaults() {
        return minilmMobilenet();
    }

    /** The text tower trained from scratch: hashed char n-grams, one attention layer, d = 256. */
    public static ModelConfig hashed() {
        return new ModelConfig(DEFAULT_NAME, 64, List.of(32, 64, 128, 256), 1 << 15, 192, 12, 24, 3, 5, 1, 4, 256, false,
                null, null, null);
    }

    /**
     * LiT on CPU: the frozen all-MiniLM-L6-v2 sentence encoder as the text side (d = 384, its
     * own width), a 4-stage CNN on 64×64 images trained into its space.
     */
    public static ModelConfig minilm(String head) {
        return new ModelConfig(DEFAULT_NAME, 64, List.of(32, 64, 128, 256), 1 << 15, 192, 12, 24, 3, 5, 1, 4, 384, false,
                "all-minilm-l6-v2", head, null);
    }

    /**
     * {@link #minilm} with the locked text side, and on the image side the trained CNN beside
     * the frozen MobileNetV2 features, averaged over the image and its mirror image
     * ({@code ImageBackboneSpec.MOBILENET_V2_MIRROR}): pretrained on
     * both sides, as ERNIE-ViL 2.0 starts, with only the image side's CNN and projection learning.
     */
    public static ModelConfig minilmMobilenet() {
        return minilm("none").withImageBackbone("mobilenet-v2-mirror");
    }

    /** A small configuration for fast unit tests. */
    public static ModelConfig tiny() {
        return new ModelConfig(DEFAULT_NAME, 32, List.of(8, 16), 4096, 32, 8, 12, 3, 4, 1, 2, 32, false, null, null, null);
    }

    /** The same architecture with another text side (for comparisons at equal image towers). */
    public ModelConfig withTextBackbone(String backbone, String head, int dim) {
        return new ModelConfig(name, imageSize, imageWidths, textBuckets, textDim, maxWords, maxFeaturesPerWord, ngramMin,
                ngramMax, textLayers, textHeads, dim, sharedLogitScale, backbone, head, imageBackbone);
    }

    /** The same architecture with other image stage widths. */
    public ModelConfig withImageWidths(List<Integer> widths) {
        return new ModelConfig(name, imageSize, widths, textBuckets, textDim, maxWords, maxFeaturesPerWord, ngramMin,
                ngramMax, textLayers, textHeads, embeddingDim, sharedLogitScale, textBackbone, textHead, imageBackbone);
    }

    /** The same architecture with (or, for null, without) a frozen pretrained image network. */
    public ModelConfig withImageBackbone(String backbone) {
        return new ModelConfig(name, imageSize, imageWidths, textBuckets, textDim, maxWords, maxFeaturesPerWord, ngramMin,
                ngramMax, textLayers, textHeads, embeddingDim, sharedLogitScale, textBackbone, textHead, backbone);
    }

    /** The names {@link #preset} knows. */
    public static final List<String> PRESETS = List.of("default", "hashed", "minilm", "minilm-adapter", "minilm-linear",
            "minilm-mobilenet", "tiny");

    /** The named architectures services agree on through the {@code model.preset} key. */
    public static ModelConfig preset(String name) {
        return switch (name) {
            case "default" -> defaults();
            case "hashed" -> hashed();
            case "minilm" -> minilm("none");
            case "minilm-adapter" -> minilm("adapter");
            case "minilm-linear" -> minilm("linear");
            case "minilm-mobilenet" -> minilmMobilenet();
            case "tiny" -> tiny();
            default -> throw new IllegalArgumentException("unknown model preset '" + name + "' (one of " + PRESETS + ")");
        };
    }

    public int imageFeatureDim() {
        return imageWidths.get(imageWidths.size() - 1);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("invalid model config: " + message);
        }
    }
}
