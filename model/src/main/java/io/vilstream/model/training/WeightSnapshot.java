package io.vilstream.model.training;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.vilstream.model.towers.DualEncoderBlock;

/**
 * A copy of every parameter of a block, batch-norm statistics included, on the heap: what an
 * offline run keeps of its best evaluation so far, to put back at the end (early stopping on the
 * validation split).
 */
public final class WeightSnapshot {

    private final List<Parameter> parameters = new ArrayList<>();
    private final List<float[]> values = new ArrayList<>();

    private WeightSnapshot(DualEncoderBlock block) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            parameters.add(p.getValue());
            values.add(p.getValue().getArray().toFloatArray());
        }
    }

    /** The block's weights as they are now. */
    public static WeightSnapshot of(DualEncoderBlock block) {
        return new WeightSnapshot(block);
    }

    /** Puts the copied weights back into the block they were taken from. */
    public void restore() {
        for (int i = 0; i < parameters.size(); i++) {
            NDArray w = parameters.get(i).getArray();
            w.set(values.get(i));
        }
    }
}
