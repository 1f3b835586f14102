package io.vilstream.model.towers;

import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The image tower's trunk: a small CNN of stride-2 stages (conv 3×3 → batch norm → ReLU), each
 * halving the resolution, then a residual 3×3 conv at the last resolution and global average
 * pooling. Its output is the image feature that both the projection (embedding) and the
 * tagger head read.
 *
 * <p>Shapes: {@code [B, 3, S, S]} (pixels scaled to about -1..1) → {@code [B, C_last]}.
 * Strided convolutions from the first layer keep a 64×64 forward pass near 20 M multiply-adds,
 * so training fits two CPU cores; width and depth are {@code ModelConfig.imageWidths}.
 */
public final class ImageTower extends AbstractBlock {

    private static final byte VERSION = 1;

    private final SequentialBlock stages;
    private final SequentialBlock refine;
    private final int featureDim;

    public ImageTower(List<Integer> widths) {
        super(VERSION);
        this.featureDim = widths.get(widths.size() - 1);
        SequentialBlock s = new SequentialBlock();
        for (int w : widths) {
            s.add(conv(w, 2)).add(BatchNorm.builder().build()).add(Activation.reluBlock());
        }
        this.stages = addChildBlock("stages", s);
        this.refine = addChildBlock("refine", new SequentialBlock()
                .add(conv(featureDim, 1)).add(BatchNorm.builder().build()));
    }

    private static Block conv(int filters, int stride) {
        return Conv2d.builder()
                .setKernelShape(new Shape(3, 3))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(1, 1))
                .setFilters(filters)
                .optBias(false) // followed by batch norm, which has its own shift
                .build();
    }

    public int featureDim() {
        return featureDim;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = stages.forward(ps, inputs, training, params).singletonOrThrow();
        NDArray r = refine.forward(ps, new NDList(x), training, params).singletonOrThrow();
        NDArray y = Activation.relu(x.add(r));                 // [B, C, s, s]
        return new NDList(y.mean(new int[] {3}).mean(new int[] {2})); // [B, C] (one axis per call in PyTorch)
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), featureDim)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        stages.initialize(manager, dataType, inputShapes);
        Shape out = stages.getOutputShapes(inputShapes)[0];
        refine.initialize(manager, dataType, out);
    }
}
