package io.vilstream.model.training;

/**
 * The model's parameters are no longer finite: training cannot go on from this state, and the
 * caller restarts from the last good checkpoint. A type of its own so that callers catch exactly
 * this and let every other failure through.
 */
public final class ModelDivergedException extends IllegalStateException {

    private final String parameter;
    private final long step;

    public ModelDivergedException(String parameter, long step) {
        super("model diverged: parameter " + parameter + " is no longer finite at step " + step);
        this.parameter = parameter;
        this.step = step;
    }

    /** The first parameter found not finite. */
    public String parameter() {
        return parameter;
    }

    /** The step at which it was found. */
    public long step() {
        return step;
    }
}
