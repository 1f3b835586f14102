package io.vilstream.model.towers;

import java.util.ArrayList;
import java.util.List;

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
 * The text tower's trunk: hashed subword features → word vectors (mean of each word's feature
 * embeddings, fastText-style) → optional self-attention layers → masked mean over words →
 * layer norm and a GELU layer. Shared by every text view (captions, the object-tag sequence).
 *
 * <p>Shapes: ids {@code [B, W, G]} (int64, 0 = padding) → {@code [B, D]}.
 */
public final class TextTower extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int dim;
    private final HashedEmbedding embedding;
    private final List<SelfAttentionLayer> layers = new ArrayList<>();
    private final LayerNorm norm;
    private final Linear hidden;

    public TextTower(int buckets, int dim, int layerCount, int heads) {
        super(VERSION);
        this.dim = dim;
        this.embedding = addChildBlock("embedding", new HashedEmbedding(buckets, dim));
        for (int i = 0; i < layerCount; i++) {
            layers.add(addChildBlock("layer" + i, new SelfAttentionLayer(dim, heads)));
        }
        this.norm = addChildBlock("norm", LayerNorm.builder().axis(1).build());
        this.hidden = addChildBlock("hidden", Linear.builder().setUnits(dim).build());
    }

    public int featureDim() {
        return dim;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray ids = inputs.singletonOrThrow();                                    // [B, W, G]
        NDArray featMask = ids.gt(0).toType(DataType.FLOAT32, false);                 // [B, W, G]
        NDArray emb = embedding.forward(ps, new NDList(ids), training).singletonOrThrow(); // [B, W, G, D]
        NDArray featCount = featMask.sum(new int[] {2}, true);                        // [B, W, 1]
        NDArray words = emb.mul(featMask.expandDims(3)).sum(new int[] {2})
                .div(featCount.maximum(1f));                                           // [B, W, D]
        NDArray wordMask = featCount.squeeze(2).gt(0).toType(DataType.FLOAT32, false); // [B, W]
        for (SelfAttentionLayer layer : layers) {
            words = layer.forward(ps, new NDList(words, wordMask), training).singletonOrThrow();
        }
        NDArray wordCount = wordMask.sum(new int[] {1}, true).maximum(1f);           // [B, 1]
        NDArray pooled = words.mul(wordMask.expandDims(2)).sum(new int[] {1}).div(wordCount); // [B, D]
        NDArray h = norm.forward(ps, new NDList(pooled), training).singletonOrThrow();
        h = h.add(Activation.gelu(hidden.forward(ps, new NDList(h), training).singletonOrThrow()));
        return new NDList(h);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), dim)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape ids = inputShapes[0];
        embedding.initialize(manager, dataType, ids); // dataType is the table's, not the ids'
        Shape words = new Shape(ids.get(0), ids.get(1), dim);
        Shape mask = new Shape(ids.get(0), ids.get(1));
        for (SelfAttentionLayer layer : layers) {
            layer.initialize(manager, dataType, words, mask);
        }
        Shape pooled = new Shape(ids.get(0), dim);
        norm.initialize(manager, dataType, pooled);
        hidden.initialize(manager, dataType, pooled);
    }
}
