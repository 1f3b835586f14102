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
        boolean sharedLogitScale) {

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
    }

    /** The CPU default: a 4-stage CNN on 64×64 images, hashed char n-grams, d = 256. */
    public static ModelConfig defaults() {
        return new ModelConfig(DEFAULT_NAME, 64, List.of(32, 64, 128, 256), 1 << 15, 192, 12, 24, 3, 5, 1, 4, 256, false);
    }

    /** A small configuration for fast unit tests. */
    public static ModelConfig tiny() {
        return new ModelConfig(DEFAULT_NAME, 32, List.of(8, 16), 4096, 32, 8, 12, 3, 4, 1, 2, 32, false);
    }

    /** The named architectures services agree on through the {@code model.preset} key. */
    public static ModelConfig preset(String name) {
        return switch (name) {
            case "default" -> defaults();
            case "tiny" -> tiny();
            default -> throw new IllegalArgumentException("unknown model preset '" + name + "' (default or tiny)");
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
