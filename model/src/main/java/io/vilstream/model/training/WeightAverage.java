package io.vilstream.model.training;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.vilstream.model.towers.DualEncoderBlock;

/**
 * An exponential moving average of every parameter of a block, batch-norm statistics included
 * (Polyak averaging): {@code avg ← d·avg + (1 − d)·w} after each step, with
 * {@code d = min(decay, (1 + n) / (10 + n))} so the first steps are not dominated by the random
 * initialisation. Evaluation and publication read the average; training goes on from the raw
 * weights. On a small training set the average sits in a flatter region than the last step's
 * weights and generalises better (docs/LEARNING.md, "Weight averaging").
 *
 * <p>The averages live in their own manager, closed with this object. Not thread-safe: the
 * trainer's thread owns it.
 */
public final class WeightAverage implements AutoCloseable {

    private final float decay;
    private final NDManager manager;
    private final List<Parameter> parameters = new ArrayList<>();
    private final List<NDArray> averages = new ArrayList<>();
    private long updates;

    public WeightAverage(DualEncoderBlock block, NDManager parent, float decay) {
        if (!(decay > 0 && decay < 1)) {
            throw new IllegalArgumentException("decay must be in (0, 1), got " + decay);
        }
        this.decay = decay;
        this.manager = parent.newSubManager();
        for (Pair<String, Parameter> p : block.getParameters()) {
            NDArray w = p.getValue().getArray();
            parameters.add(p.getValue());
            averages.add(manager.create(w.toFloatArray(), w.getShape()));
        }
    }

    /** Folds the current weights into the average (after an optimiser step). */
    public void update() {
        updates++;
        float d = Math.min(decay, (1f + updates) / (10f + updates));
        for (int i = 0; i < parameters.size(); i++) {
            NDArray avg = averages.get(i);
            try (NDArray scaled = parameters.get(i).getArray().mul(1f - d)) {
                avg.muli(d).addi(scaled);
            }
        }
    }

    /** Steps folded in so far. */
    public long updates() {
        return updates;
    }

    /** Runs {@code f} with the averaged weights in the block, then puts the raw weights back. */
    public <T> T apply(Supplier<T> f) {
        List<float[]> raw = new ArrayList<>(parameters.size());
        for (int i = 0; i < parameters.size(); i++) {
            NDArray w = parameters.get(i).getArray();
            raw.add(w.toFloatArray());
            w.set(averages.get(i).toFloatArray());
        }
        try {
            return f.get();
        } finally {
            for (int i = 0; i < parameters.size(); i++) {
                parameters.get(i).getArray().set(raw.get(i));
            }
        }
    }

    /** Puts the averaged weights in the block for good (the end of an offline run). */
    public void adopt() {
        for (int i = 0; i < parameters.size(); i++) {
            parameters.get(i).getArray().set(averages.get(i).toFloatArray());
        }
    }

    /** Restarts the average from the block's current weights (after they were replaced). */
    public void reset() {
        updates = 0;
        for (int i = 0; i < parameters.size(); i++) {
            averages.get(i).set(parameters.get(i).getArray().toFloatArray());
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
