package io.vilstream.model.towers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * One pre-norm transformer encoder layer over word vectors: multi-head self-attention with a
 * padding mask, then a GELU feed-forward, each with a residual connection. Lets word order and
 * context shape the text embedding ("face with tears of joy" ≠ a bag of its words).
 *
 * <p>Shapes: x {@code [B, W, D]}, mask {@code [B, W]} (1 = word, 0 = padding) → {@code [B, W, D]}.
 */
public final class SelfAttentionLayer extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int dim;
    private final int heads;
    private final LayerNorm norm1;
    private final Linear qkv;
    private final Linear out;
    private final LayerNorm norm2;
    private final Linear ff1;
    private final Linear ff2;

    public SelfAttentionLayer(int dim, int heads) {
        super(VERSION);
        this.dim = dim;
        this.heads = heads;
        this.norm1 = addChildBlock("norm1", LayerNorm.builder().axis(2).build());
        this.qkv = addChildBlock("qkv", Linear.builder().setUnits(3L * dim).build());
        this.out = addChildBlock("out", Linear.builder().setUnits(dim).build());
        this.norm2 = addChildBlock("norm2", LayerNorm.builder().axis(2).build());
        this.ff1 = addChildBlock("ff1", Linear.builder().setUnits(2L * dim).build());
        this.ff2 = addChildBlock("ff2", Linear.builder().setUnits(dim).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.get(0);                 // [B, W, D]
        NDArray mask = inputs.get(1);              // [B, W]
        long b = x.getShape().get(0);
        long w = x.getShape().get(1);
        long dh = dim / heads;

        NDArray h = norm1.forward(ps, new NDList(x), training).singletonOrThrow();
        NDArray proj = qkv.forward(ps, new NDList(h), training).singletonOrThrow();        // [B, W, 3D]
        NDArray split = proj.reshape(b, w, 3, heads, dh).transpose(2, 0, 3, 1, 4);        // [3, B, H, W, dh]
        NDArray q = split.get(0);
        NDArray k = split.get(1);
        NDArray v = split.get(2);
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2))
                .div(Scalars.of(q, (float) Math.sqrt(dh)));                                    // [B, H, W, W]
        // padding keys get -1e9 so softmax ignores them; a text with no words attends nowhere useful
        // but stays finite, and its pooled vector is masked out later anyway
        NDArray keyMask = mask.reshape(b, 1, 1, w);
        // the mask has no gradient, so a plain number is safe here (see Scalars)
        scores = scores.add(keyMask.sub(1f).mul(1e9f));
        NDArray attn = scores.softmax(-1);
        NDArray ctx = attn.matMul(v).transpose(0, 2, 1, 3).reshape(b, w, dim);             // [B, W, D]
        NDArray x1 = x.add(out.forward(ps, new NDList(ctx), training).singletonOrThrow());

        NDArray h2 = norm2.forward(ps, new NDList(x1), training).singletonOrThrow();
        NDArray f = Activation.gelu(ff1.forward(ps, new NDList(h2), training).singletonOrThrow());
        NDArray x2 = x1.add(ff2.forward(ps, new NDList(f), training).singletonOrThrow());
        return new NDList(x2);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        norm1.initialize(manager, dataType, x);
        qkv.initialize(manager, dataType, x);
        out.initialize(manager, dataType, x);
        norm2.initialize(manager, dataType, x);
        ff1.initialize(manager, dataType, x);
        ff2.initialize(manager, dataType, new Shape(x.get(0), x.get(1), 2L * dim));
    }
}
