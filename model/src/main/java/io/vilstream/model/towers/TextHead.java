package io.vilstream.model.towers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;

/**
 * What a frozen text backbone's sentence features go through before the shared space, by
 * {@code ModelConfig.textHead}:
 * <ul>
 *   <li>{@code none}: nothing — the image tower learns to land in the backbone's own space (LiT,
 *       fully locked: whatever the backbone knows of words no training name has, the image side
 *       meets as it is);</li>
 *   <li>{@code adapter}: {@code x + up(gelu(down(x)))}, the up-projection starting at zero, so
 *       training starts from the locked space and moves it only as far as the loss asks;</li>
 *   <li>{@code linear}: a trained linear map to the embedding width.</li>
 * </ul>
 * Shapes: {@code [B, F]} backbone features → {@code [B, d]} (not yet normalised).
 */
public final class TextHead extends AbstractBlock {

    private static final byte VERSION = 1;

    /** Bottleneck width of the adapter. */
    static final int ADAPTER_WIDTH = 96;

    private final String kind;
    private final int outDim;
    private final Linear down;
    private final Linear up;

    public TextHead(String kind, int featureDim, int outDim) {
        super(VERSION);
        this.kind = kind;
        this.outDim = outDim;
        switch (kind) {
            case "none", "adapter" -> {
                if (featureDim != outDim) {
                    throw new IllegalArgumentException("text head '" + kind + "' keeps the backbone's width " + featureDim
                            + ", so embeddingDim must be " + featureDim + ", not " + outDim);
                }
            }
            case "linear" -> { }
            default -> throw new IllegalArgumentException("unknown text head '" + kind + "'");
        }
        if (kind.equals("adapter")) {
            this.down = addChildBlock("down", Linear.builder().setUnits(ADAPTER_WIDTH).build());
            this.up = addChildBlock("up", Linear.builder().setUnits(featureDim).build());
            up.setInitializer(new ConstantInitializer(0f), Parameter.Type.WEIGHT);
        } else if (kind.equals("linear")) {
            this.down = addChildBlock("linear", Linear.builder().setUnits(outDim).build());
            this.up = null;
        } else {
            this.down = null;
            this.up = null;
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        return switch (kind) {
            case "adapter" -> {
                NDArray h = Activation.gelu(down.forward(ps, new NDList(x), training).singletonOrThrow());
                yield new NDList(x.add(up.forward(ps, new NDList(h), training).singletonOrThrow()));
            }
            case "linear" -> down.forward(ps, new NDList(x), training);
            default -> new NDList(x);
        };
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), outDim)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        if (down != null) {
            down.initialize(manager, dataType, inputShapes[0]);
        }
        if (up != null) {
            up.initialize(manager, dataType, new Shape(inputShapes[0].get(0), ADAPTER_WIDTH));
        }
    }
}
