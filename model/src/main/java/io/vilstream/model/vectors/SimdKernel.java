package io.vilstream.model.vectors;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernel: fused multiply-adds over the widest lanes the CPU offers, four rows
 * per pass so each slice of the query is loaded once for four rows (the loop is bound by memory
 * bandwidth at 100k × 256 floats, so fewer loads matter more than more arithmetic).
 */
public final class SimdKernel implements SimilarityKernel {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    @Override
    public void scores(float[] query, float[] data, int first, int rows, int dim, float[] out) {
        int lanes = SPECIES.length();
        int bound = SPECIES.loopBound(dim);
        int r = 0;
        for (; r + 4 <= rows; r += 4) {
            int b0 = (first + r) * dim;
            int b1 = b0 + dim;
            int b2 = b1 + dim;
            int b3 = b2 + dim;
            FloatVector a0 = FloatVector.zero(SPECIES);
            FloatVector a1 = FloatVector.zero(SPECIES);
            FloatVector a2 = FloatVector.zero(SPECIES);
            FloatVector a3 = FloatVector.zero(SPECIES);
            int i = 0;
            for (; i < bound; i += lanes) {
                FloatVector q = FloatVector.fromArray(SPECIES, query, i);
                a0 = FloatVector.fromArray(SPECIES, data, b0 + i).fma(q, a0);
                a1 = FloatVector.fromArray(SPECIES, data, b1 + i).fma(q, a1);
                a2 = FloatVector.fromArray(SPECIES, data, b2 + i).fma(q, a2);
                a3 = FloatVector.fromArray(SPECIES, data, b3 + i).fma(q, a3);
            }
            float s0 = a0.reduceLanes(VectorOperators.ADD);
            float s1 = a1.reduceLanes(VectorOperators.ADD);
            float s2 = a2.reduceLanes(VectorOperators.ADD);
            float s3 = a3.reduceLanes(VectorOperators.ADD);
            for (; i < dim; i++) {
                float q = query[i];
                s0 += q * data[b0 + i];
                s1 += q * data[b1 + i];
                s2 += q * data[b2 + i];
                s3 += q * data[b3 + i];
            }
            out[r] = s0;
            out[r + 1] = s1;
            out[r + 2] = s2;
            out[r + 3] = s3;
        }
        for (; r < rows; r++) {
            int base = (first + r) * dim;
            FloatVector acc = FloatVector.zero(SPECIES);
            int i = 0;
            for (; i < bound; i += lanes) {
                acc = FloatVector.fromArray(SPECIES, data, base + i).fma(FloatVector.fromArray(SPECIES, query, i), acc);
            }
            float s = acc.reduceLanes(VectorOperators.ADD);
            for (; i < dim; i++) {
                s += query[i] * data[base + i];
            }
            out[r] = s;
        }
    }

    @Override
    public String name() {
        return "simd-" + SPECIES.vectorBitSize();
    }
}
