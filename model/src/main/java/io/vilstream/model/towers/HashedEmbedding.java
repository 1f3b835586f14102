package io.vilstream.model.towers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

/**
 * A lookup table over hashed feature ids. DJL's built-in IdEmbedding fails under concurrent
 * predictors ("Native resource has been released already", docs/PLATFORM.md); this block only calls
 * the engine's {@code embedding} op, which is safe to share between threads.
 *
 * <p>Shapes: ids {@code [...]} (int64) → {@code [..., dim]}.
 */
public final class HashedEmbedding extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int rows;
    private final int dim;
    private final Parameter table;

    public HashedEmbedding(int rows, int dim) {
        super(VERSION);
        this.rows = rows;
        this.dim = dim;
        this.table = addParameter(Parameter.builder()
                .setName("table")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(rows, dim))
                .optInitializer(new NormalInitializer(0.1f))
                .build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray ids = inputs.singletonOrThrow();
        NDArray weight = ps.getValue(table, ids.getDevice(), training);
        return ids.getNDArrayInternal().embedding(ids, weight, SparseFormat.DENSE);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0].addAll(new Shape(dim))};
    }

    public int rows() {
        return rows;
    }
}
