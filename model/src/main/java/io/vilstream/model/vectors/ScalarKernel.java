package io.vilstream.model.vectors;

/** The plain-Java kernel: the fallback where the Vector API module is absent, and the reference in tests. */
public final class ScalarKernel implements SimilarityKernel {

    @Override
    public void scores(float[] query, float[] data, int first, int rows, int dim, float[] out) {
        for (int r = 0; r < rows; r++) {
            int base = (first + r) * dim;
            float s = 0;
            for (int i = 0; i < dim; i++) {
                s += query[i] * data[base + i];
            }
            out[r] = s;
        }
    }

    @Override
    public String name() {
        return "scalar";
    }
}
