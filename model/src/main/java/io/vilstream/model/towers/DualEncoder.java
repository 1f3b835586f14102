package io.vilstream.model.towers;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.List;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import io.vilstream.model.backbone.BackboneSpec;
import io.vilstream.model.backbone.ImageBackbone;
import io.vilstream.model.backbone.ImageBackboneSpec;
import io.vilstream.model.backbone.TextBackbone;
import io.vilstream.model.checkpoint.CheckpointException;
import io.vilstream.model.checkpoint.CheckpointFormat;
import io.vilstream.model.checkpoint.CheckpointHeader;
import io.vilstream.model.config.ModelConfig;
import io.vilstream.model.loss.ViewPair;
import io.vilstream.model.runtime.DjlRuntime;
import io.vilstream.model.tagger.ScoredTag;
import io.vilstream.model.tagger.TagVocabulary;
import io.vilstream.model.text.HashingTokenizer;

/**
 * One loaded model version: the towers, tagger and scales ({@link DualEncoderBlock}), its
 * tokenizer and tag vocabulary, and its lineage. The serving API — {@link #encodeImages},
 * {@link #encodeTexts}, {@link #tagImages} — is safe to call from several threads at once:
 * each call works in its own NDManager, runs with autograd off on its thread, and returns plain
 * Java arrays. The trainer mutates the same parameters through {@link #block()}; serving and
 * training never share one instance (a trainer publishes a checkpoint, encoders load it).
 */
public final class DualEncoder implements AutoCloseable {

    private final ModelConfig config;
    private final TagVocabulary vocabulary;
    private final HashingTokenizer tokenizer;
    private final TextBackbone backbone;
    private final ImageBackbone imageBackbone;
    private final NDManager manager;
    private final DualEncoderBlock block;
    private final long version;
    private final Long parent;
    private final long trainingStep;

    private DualEncoder(ModelConfig config, TagVocabulary vocabulary, int scaleCount,
                        long version, Long parent, long trainingStep) {
        this.config = config;
        this.vocabulary = vocabulary;
        this.tokenizer = new HashingTokenizer(config);
        this.backbone = config.hasTextBackbone() ? TextBackbone.shared(BackboneSpec.byId(config.textBackbone())) : null;
        this.imageBackbone = config.hasImageBackbone()
                ? ImageBackbone.shared(ImageBackboneSpec.byId(config.imageBackbone())) : null;
        this.manager = DjlRuntime.engine().newBaseManager();
        this.block = new DualEncoderBlock(config, vocabulary.size(), scaleCount);
        this.version = version;
        this.parent = parent;
        this.trainingStep = trainingStep;
    }

    /** A freshly initialised model (version 0), deterministic for the seed. */
    public static DualEncoder create(ModelConfig config, TagVocabulary vocabulary, long seed) {
        DjlRuntime.seed(seed);
        int scales = config.sharedLogitScale() ? 1 : ViewPair.SCALE_COUNT;
        DualEncoder model = new DualEncoder(config, vocabulary, scales, 0, null, 0);
        model.block.initialize(model.manager);
        return model;
    }

    /**
     * Version 0 as any service can rebuild it without data: the seeded initial towers and an
     * empty tag vocabulary. Its embeddings equal those of {@code create(config, anyVocabulary, seed)}.
     */
    public static DualEncoder initial(ModelConfig config, long seed) {
        return create(config, new TagVocabulary(java.util.List.of()), seed);
    }

    /** Loads a checkpoint written by {@link #toCheckpoint}; refuses bad bytes with the reason. */
    public static DualEncoder load(byte[] checkpoint) throws CheckpointException {
        CheckpointFormat.Parts parts = CheckpointFormat.read(checkpoint);
        CheckpointHeader h = parts.header();
        checkBackbone(h);
        DualEncoder model;
        try {
            model = new DualEncoder(h.config(), new TagVocabulary(h.tags()), h.scaleCount(), h.version(),
                    h.parent(), h.trainingStep());
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(CheckpointException.Reason.INCOMPATIBLE,
                    "checkpoint header describes an invalid model: " + e.getMessage(), e);
        }
        try {
            model.block.initialize(model.manager);
            model.block.loadParameters(model.manager, new DataInputStream(new ByteArrayInputStream(parts.parameters())));
            model.markTrainable();
            return model;
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw new CheckpointException(CheckpointException.Reason.INCOMPATIBLE,
                    "checkpoint parameters do not fit the architecture in its header: " + e.getMessage(), e);
        }
    }

    /**
     * A checkpoint trained against a text backbone is only meaningful next to the very same
     * weights: refuse one that names other weights (or none) before building anything.
     */
    static void checkBackbone(CheckpointHeader h) throws CheckpointException {
        checkImageBackbone(h);
        if (h.config() == null || !h.config().hasTextBackbone()) {
            return;
        }
        BackboneSpec here;
        try {
            here = BackboneSpec.byId(h.config().textBackbone());
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(CheckpointException.Reason.INCOMPATIBLE, "checkpoint v" + h.version()
                    + " needs a text backbone this build does not have: " + e.getMessage(), e);
        }
        if (h.backbone() == null || !here.sha256().equals(h.backbone().sha256())) {
            throw new CheckpointException(CheckpointException.Reason.INCOMPATIBLE, "checkpoint v" + h.version()
                    + " was trained against text backbone "
                    + (h.backbone() == null ? "(unrecorded)" : h.backbone().describe())
                    + ", but this process has " + here.describe() + "; its text embeddings would be in another space");
        }
    }

    /** The same rule for a frozen pretrained image network: exactly the weights it was trained beside. */
    static void checkImageBackbone(CheckpointHeader h) throws CheckpointException {
        if (h.config() == null || !h.config().hasImageBackbone()) {
            return;
        }
        ImageBackboneSpec here;
        try {
            here = ImageBackboneSpec.byId(h.config().imageBackbone());
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(CheckpointException.Reason.INCOMPATIBLE, "checkpoint v" + h.version()
                    + " needs an image backbone this build does not have: " + e.getMessage(), e);
        }
        if (h.imageBackbone() == null || !here.sha256().equals(h.imageBackbone().sha256())
                || !here.layers().equals(h.imageBackbone().layers()) || here.inputSize() != h.imageBackbone().inputSize()
                || !here.views().equals(h.imageBackbone().views())) {
            throw new CheckpointException(CheckpointException.Reason.INCOMPATIBLE, "checkpoint v" + h.version()
                    + " was trained beside image backbone "
                    + (h.imageBackbone() == null ? "(unrecorded)" : h.imageBackbone().describe())
                    + ", but this process has " + here.describe() + "; its image embeddings would be in another space");
        }
    }

    /**
     * DJL's {@code Parameter.load} replaces each array with a freshly decoded one that no longer
     * records gradients (only {@code initialize} marks them), so without this a loaded model could
     * not be trained further: the first backward pass would fail with "element 0 of tensors does
     * not require grad". Inference is unaffected (it runs without a gradient collector).
     */
    private void markTrainable() {
        for (ai.djl.util.Pair<String, ai.djl.nn.Parameter> p : block.getParameters()) {
            if (p.getValue().requiresGradient()) {
                p.getValue().getArray().setRequiresGradient(true);
            }
        }
    }

    /** Serialises the current parameters as a checkpoint carrying the given lineage. */
    public byte[] toCheckpoint(long newVersion, Long newParent, long step) {
        ByteArrayOutputStream params = new ByteArrayOutputStream(1 << 20);
        try {
            block.saveParameters(new DataOutputStream(params));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CheckpointHeader header = new CheckpointHeader(config, vocabulary.tags(), block.scaleCount(), config.name(),
                newVersion, newParent, step, System.currentTimeMillis(), backbone == null ? null : backbone.spec(),
                imageBackbone == null ? null : imageBackbone.spec());
        return CheckpointFormat.write(header, params.toByteArray());
    }

    /** Embeds preprocessed images ({@code [3 × S × S]} in 0..1 each) → L2-normalised vectors. */
    public float[][] encodeImages(List<float[]> images) {
        if (images.isEmpty()) {
            return new float[0][];
        }
        DjlRuntime.inferenceThread();
        try (NDManager m = manager.newSubManager()) {
            ParameterStore ps = new ParameterStore(m, false);
            NDArray features = block.imageFeatures(ps, imageBatch(m, images), imageBackboneBatch(m, images), false);
            return rows(block.imageEmbedding(ps, features, false));
        }
    }

    /** Embeds texts → L2-normalised vectors. */
    public float[][] encodeTexts(List<String> texts) {
        if (texts.isEmpty()) {
            return new float[0][];
        }
        DjlRuntime.inferenceThread();
        try (NDManager m = manager.newSubManager()) {
            ParameterStore ps = new ParameterStore(m, false);
            return rows(block.textEmbedding(ps, textBatch(m, texts), false));
        }
    }

    /** Embeddings and generated tags of images from one forward pass. */
    public ImageEncoding encodeImagesWithTags(List<float[]> images, int topK, float threshold) {
        if (images.isEmpty()) {
            return new ImageEncoding(new float[0][], List.of());
        }
        DjlRuntime.inferenceThread();
        try (NDManager m = manager.newSubManager()) {
            ParameterStore ps = new ParameterStore(m, false);
            NDArray features = block.imageFeatures(ps, imageBatch(m, images), imageBackboneBatch(m, images), false);
            float[][] emb = rows(block.imageEmbedding(ps, features, false));
            float[][] probs = rows(Activation.sigmoid(block.tagLogits(ps, features, false)));
            List<List<ScoredTag>> tags = new ArrayList<>(probs.length);
            for (float[] p : probs) {
                tags.add(topTags(p, topK, threshold));
            }
            return new ImageEncoding(emb, tags);
        }
    }

    /** Generated tags of images: the top {@code k} with probability at least {@code threshold}. */
    public List<List<ScoredTag>> tagImages(List<float[]> images, int topK, float threshold) {
        return encodeImagesWithTags(images, topK, threshold).tags();
    }

    List<ScoredTag> topTags(float[] probs, int k, float threshold) {
        List<ScoredTag> out = new ArrayList<>(k);
        if (vocabulary.size() == 0) {
            return out;
        }
        boolean[] taken = new boolean[probs.length];
        for (int n = 0; n < k; n++) {
            int best = -1;
            for (int i = 0; i < probs.length; i++) {
                if (!taken[i] && (best < 0 || probs[i] > probs[best])) {
                    best = i;
                }
            }
            if (best < 0 || probs[best] < threshold) {
                break;
            }
            taken[best] = true;
            out.add(new ScoredTag(vocabulary.tag(best), probs[best]));
        }
        return out;
    }

    /**
     * The frozen image network's features of images as the tower takes them ({@code [3 × S × S]}
     * in 0..1), {@code [B, F]}; null for a model without one. A trainer passes the clean
     * renditions here (their features are cached), not the augmented views.
     */
    public NDArray imageBackboneBatch(NDManager m, List<float[]> images) {
        if (imageBackbone == null) {
            return null;
        }
        float[][] f = imageBackbone.features(images, config.imageSize());
        int d = imageBackbone.dim();
        float[] flat = new float[f.length * d];
        for (int i = 0; i < f.length; i++) {
            System.arraycopy(f[i], 0, flat, i * d, d);
        }
        return m.create(flat, new Shape(f.length, d));
    }

    /** The frozen pretrained image network this model reads, or null. */
    public ImageBackbone imageBackbone() {
        return imageBackbone;
    }

    /** {@code [B, 3, S, S]} with pixels mapped from 0..1 to -1..1. */
    public NDArray imageBatch(NDManager m, List<float[]> images) {
        int s = config.imageSize();
        int per = 3 * s * s;
        FloatBuffer buf = FloatBuffer.allocate(images.size() * per);
        for (float[] img : images) {
            if (img.length != per) {
                throw new IllegalArgumentException("image tensor has " + img.length + " values, expected " + per
                        + " (3×" + s + "×" + s + ")");
            }
            for (float v : img) {
                buf.put(v * 2f - 1f);
            }
        }
        buf.flip();
        return m.create(buf, new Shape(images.size(), 3, s, s));
    }

    /** The text side's input: {@code [B, F]} backbone features, or {@code [B, W, G]} hashed feature ids. */
    public NDArray textBatch(NDManager m, List<String> texts) {
        if (backbone != null) {
            return textFeatures(m, texts);
        }
        long[] ids = tokenizer.encodeBatch(texts);
        return m.create(LongBuffer.wrap(ids), new Shape(texts.size(), tokenizer.maxWords(), tokenizer.maxFeatures()));
    }

    /** {@code [B, F]} frozen backbone features (cached per distinct text). */
    public NDArray textFeatures(NDManager m, List<String> texts) {
        float[][] rows = backbone.embed(texts);
        int f = backbone.dim();
        FloatBuffer buf = FloatBuffer.allocate(rows.length * f);
        for (float[] r : rows) {
            buf.put(r);
        }
        buf.flip();
        return m.create(buf, new Shape(rows.length, f));
    }

    /** Whether the text side is a frozen pretrained backbone (its features cached per text). */
    public boolean hasTextBackbone() {
        return backbone != null;
    }

    /** The frozen text backbone, or null for the hashed tower. */
    public TextBackbone textBackbone() {
        return backbone;
    }

    /** {@code [B, W, G]} from already tokenised rows. */
    public NDArray textBatchFromIds(NDManager m, List<long[]> rows) {
        int per = tokenizer.maxWords() * tokenizer.maxFeatures();
        long[] ids = new long[rows.size() * per];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, ids, i * per, per);
        }
        return m.create(LongBuffer.wrap(ids), new Shape(rows.size(), tokenizer.maxWords(), tokenizer.maxFeatures()));
    }

    static float[][] rows(NDArray matrix) {
        long n = matrix.getShape().get(0);
        long d = matrix.getShape().get(1);
        float[] flat = matrix.toFloatArray();
        float[][] out = new float[(int) n][];
        for (int i = 0; i < n; i++) {
            out[i] = new float[(int) d];
            System.arraycopy(flat, (int) (i * d), out[i], 0, (int) d);
        }
        return out;
    }

    /** The current logit scales (log inverse temperatures). */
    public float[] logitScales() {
        return block.logitScaleParameter().getArray().toFloatArray();
    }

    public ModelConfig config() {
        return config;
    }

    public TagVocabulary vocabulary() {
        return vocabulary;
    }

    public HashingTokenizer tokenizer() {
        return tokenizer;
    }

    public String name() {
        return config.name();
    }

    public long version() {
        return version;
    }

    public Long parent() {
        return parent;
    }

    public long trainingStep() {
        return trainingStep;
    }

    /** The learned parts, for the trainer. */
    public DualEncoderBlock block() {
        return block;
    }

    /** The manager that owns the parameters, for the trainer. */
    public NDManager manager() {
        return manager;
    }

    /** Frees the native memory of the parameters; the instance is unusable afterwards. */
    @Override
    public void close() {
        manager.close();
    }

    /** Image embeddings and generated tags, row-aligned with the input. */
    public record ImageEncoding(float[][] embeddings, List<List<ScoredTag>> tags) {
    }
}
