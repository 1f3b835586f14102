package io.vilstream.model.towers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;
import io.vilstream.model.backbone.BackboneSpec;
import io.vilstream.model.backbone.ImageBackboneSpec;
import io.vilstream.model.config.ModelConfig;

/**
 * All learned parts of the dual encoder in one block, so one {@code saveParameters} call
 * captures the model: the image tower and its projection, the text tower and its projection,
 * the tagger head (multi-label logits over the tag vocabulary, read from the image features)
 * and the learned logit scales (one per loss term, or one shared).
 *
 * <p>No cross-attention: images and texts meet only as normalised vectors. The plain
 * {@link #forward} maps {@code [images, textIds]} to {@code [imageEmb, textEmb]}; training
 * and serving call the tower methods below directly.
 */
public final class DualEncoderBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    /** ln(1/0.07): CLIP's and ERNIE-ViL 2.0's initial temperature. */
    public static final float INITIAL_LOGIT_SCALE = (float) Math.log(1 / 0.07);
    /** ln 100: the clamp's upper end. */
    public static final float MAX_LOGIT_SCALE = (float) Math.log(100);

    private final ModelConfig config;
    private final int tagCount;
    private final int scaleCount;
    private final ImageTower imageTower;
    private final Linear imageProjection;
    private final TextTower textTower;
    private final Linear textProjection;
    private final TextHead textHead;
    private final int backboneDim;
    private final Linear tagHead;
    private final Parameter logitScales;
    private final BatchNorm imageBackboneNorm;
    private final Dropout imageBackboneDropout;
    private final int imageBackboneDim;

    public DualEncoderBlock(ModelConfig config, int tagCount, int scaleCount) {
        super(VERSION);
        this.config = config;
        this.tagCount = Math.max(1, tagCount);
        this.scaleCount = scaleCount;
        this.imageTower = addChildBlock("image", new ImageTower(config.imageWidths()));
        this.imageProjection = addChildBlock("imageProjection", Linear.builder().setUnits(config.embeddingDim()).build());
        if (config.hasTextBackbone()) {
            // the backbone itself is frozen and lives outside the block (TextBackbone): only the head learns
            this.backboneDim = BackboneSpec.byId(config.textBackbone()).dim();
            this.textTower = null;
            this.textProjection = null;
            this.textHead = addChildBlock("textHead", new TextHead(config.textHead(), backboneDim, config.embeddingDim()));
        } else {
            this.backboneDim = 0;
            this.textTower = addChildBlock("text", new TextTower(config.textBuckets(), config.textDim(),
                    config.textLayers(), config.textHeads()));
            this.textProjection = addChildBlock("textProjection", Linear.builder().setUnits(config.embeddingDim()).build());
            this.textHead = null;
        }
        if (config.hasImageBackbone()) {
            // the network itself is frozen and lives outside the block (ImageBackbone): its pooled
            // features are standardised (batch norm) and, in training, dropped out, then join the CNN's
            this.imageBackboneDim = ImageBackboneSpec.byId(config.imageBackbone()).dim();
            this.imageBackboneNorm = addChildBlock("imageBackboneNorm", BatchNorm.builder().build());
            this.imageBackboneDropout = addChildBlock("imageBackboneDropout",
                    Dropout.builder().optRate(IMAGE_BACKBONE_DROPOUT).build());
        } else {
            this.imageBackboneDim = 0;
            this.imageBackboneNorm = null;
            this.imageBackboneDropout = null;
        }
        this.tagHead = addChildBlock("tagger", Linear.builder().setUnits(this.tagCount).build());
        this.logitScales = addParameter(Parameter.builder()
                .setName("logitScales")
                .setType(Parameter.Type.OTHER)
                .optShape(new Shape(scaleCount))
                .optInitializer(new ConstantInitializer(INITIAL_LOGIT_SCALE))
                .optRequiresGrad(true)
                .build());
    }

    /** Shapes used to initialise: one image batch and one text batch. */
    public void initialize(NDManager manager) {
        initialize(manager, DataType.FLOAT32,
                new Shape(1, 3, config.imageSize(), config.imageSize()),
                textInputShape(1));
    }

    /** Dropout on the frozen image network's features while training: they fit the train concepts fast. */
    public static final float IMAGE_BACKBONE_DROPOUT = 0.2f;

    /**
     * {@code [B, 3, S, S]} (and, with an image backbone, its {@code [B, F]} features) →
     * {@code [B, C]}: what the projection and the tagger read.
     */
    public NDArray imageFeatures(ParameterStore ps, NDArray images, NDArray backboneFeatures, boolean training) {
        NDArray cnn = imageTower.forward(ps, new NDList(images), training).singletonOrThrow();
        if (imageBackboneNorm == null) {
            return cnn;
        }
        if (backboneFeatures == null) {
            throw new IllegalArgumentException("model " + config.name() + " needs the features of image backbone "
                    + config.imageBackbone());
        }
        NDArray b = imageBackboneNorm.forward(ps, new NDList(backboneFeatures), training).singletonOrThrow();
        b = imageBackboneDropout.forward(ps, new NDList(b), training).singletonOrThrow();
        return cnn.concat(b, 1);
    }

    /** Width of the frozen image network's features (0 without one). */
    public int imageBackboneDim() {
        return imageBackboneDim;
    }

    /** {@code [B, C]} → {@code [B, d]}, L2-normalised. */
    public NDArray imageEmbedding(ParameterStore ps, NDArray features, boolean training) {
        return l2(imageProjection.forward(ps, new NDList(features), training).singletonOrThrow());
    }

    /** {@code [B, C]} → {@code [B, V]} tag logits. */
    public NDArray tagLogits(ParameterStore ps, NDArray features, boolean training) {
        return tagHead.forward(ps, new NDList(features), training).singletonOrThrow();
    }

    /** The text side's input for a batch: {@code [B, W, G]} hashed ids, or {@code [B, F]} backbone features. */
    public Shape textInputShape(long batch) {
        return config.hasTextBackbone() ? new Shape(batch, backboneDim)
                : new Shape(batch, config.maxWords(), config.maxFeaturesPerWord());
    }

    /** {@code [B, W, G]} ids (or {@code [B, F]} backbone features) → {@code [B, d]}, L2-normalised. */
    public NDArray textEmbedding(ParameterStore ps, NDArray input, boolean training) {
        if (textHead != null) {
            return l2(textHead.forward(ps, new NDList(input), training).singletonOrThrow());
        }
        NDArray h = textTower.forward(ps, new NDList(input), training).singletonOrThrow();
        return l2(textProjection.forward(ps, new NDList(h), training).singletonOrThrow());
    }

    /** The learned logit scales (log of the inverse temperature), shape {@code [scaleCount]}. */
    public NDArray logitScales(ParameterStore ps, NDArray like, boolean training) {
        return ps.getValue(logitScales, like.getDevice(), training);
    }

    public Parameter logitScaleParameter() {
        return logitScales;
    }

    public int tagCount() {
        return tagCount;
    }

    public int scaleCount() {
        return scaleCount;
    }

    static NDArray l2(NDArray x) {
        return x.div(x.square().sum(new int[] {1}, true).add(1e-12f).sqrt());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray img = imageEmbedding(ps, imageFeatures(ps, inputs.get(0), inputs.size() > 2 ? inputs.get(2) : null,
                training), training);
        NDArray txt = textEmbedding(ps, inputs.get(1), training);
        return new NDList(img, txt);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {
            new Shape(inputShapes[0].get(0), config.embeddingDim()),
            new Shape(inputShapes[1].get(0), config.embeddingDim())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        imageTower.initialize(manager, dataType, inputShapes[0]);
        Shape imgFeat = imageTower.getOutputShapes(new Shape[] {inputShapes[0]})[0];
        if (imageBackboneNorm != null) {
            Shape bb = new Shape(imgFeat.get(0), imageBackboneDim);
            imageBackboneNorm.initialize(manager, dataType, bb);
            imageBackboneDropout.initialize(manager, dataType, bb);
            imgFeat = new Shape(imgFeat.get(0), imgFeat.get(1) + imageBackboneDim);
        }
        imageProjection.initialize(manager, dataType, imgFeat);
        if (textHead != null) {
            textHead.initialize(manager, dataType, inputShapes[1]);
        } else {
            textTower.initialize(manager, dataType, inputShapes[1]);
            Shape txtFeat = textTower.getOutputShapes(new Shape[] {inputShapes[1]})[0];
            textProjection.initialize(manager, dataType, txtFeat);
        }
        // the tagger last: its size depends on the tag vocabulary, and drawing its random
        // weights after the towers' keeps version 0's embeddings the same whatever the
        // vocabulary (an encoder seeding version 0 without data agrees with the trainer)
        tagHead.initialize(manager, dataType, imgFeat);
    }
}
