package io.vilstream.model.vectors;

/**
 * Dot products of one query against many stored rows: the inner loop of exact search. Two
 * implementations: {@code SimdKernel} on the JDK's Vector API (needs
 * {@code --add-modules jdk.incubator.vector} at run time) and {@link ScalarKernel}, chosen by
 * {@link #fastest()}.
 */
public interface SimilarityKernel {

    /**
     * {@code out[r] = query · data[(first+r)*dim .. (first+r+1)*dim)} for {@code r} in {@code [0, rows)}.
     */
    void scores(float[] query, float[] data, int first, int rows, int dim, float[] out);

    /** A name for reports ("simd-256", "scalar"). */
    String name();

    /** The Vector API kernel when the incubator module is present, else the scalar one. */
    static SimilarityKernel fastest() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            try {
                // by name: the class links against jdk.incubator.vector and must not load without it
                return (SimilarityKernel) Class.forName("io.vilstream.model.vectors.SimdKernel")
                        .getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                return new ScalarKernel();
            }
        }
        return new ScalarKernel();
    }
}
