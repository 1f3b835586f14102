package io.vilstream.model.towers;

import ai.djl.ndarray.NDArray;

/**
 * Scalar operands for ops that autograd records.
 *
 * <p>DJL's {@code NDArray.mul(Number)} (and {@code div}) wraps the number in a tensor that
 * borrows a Java direct buffer, runs the op, then closes the wrapper. Autograd keeps that
 * tensor for the backward pass of a product or quotient, so after the next garbage collection
 * the backward pass reads freed memory: gradients turn into garbage or NaN, more often the
 * smaller the heap. Every scalar that multiplies or divides something with a gradient must
 * therefore be a tensor owned by the batch's manager, alive until backward has run: use
 * {@link #of}. ({@code add}/{@code sub} by a number are safe: their backward needs no operand.)
 */
public final class Scalars {

    private Scalars() {
    }

    /** A 0-d tensor of {@code value} owned by {@code like}'s manager. */
    public static NDArray of(NDArray like, float value) {
        return like.getManager().create(value);
    }
}
