package io.vilstream.model.training;

import java.util.Map;

/**
 * What one training step did.
 *
 * @param step          the step number after this step
 * @param loss          the weighted total
 * @param terms         each term by label (I-T, I-Ttag, I-I', T-T', tagger), unweighted
 * @param logitScales   the scales after the step's clamp
 * @param hardNegatives extra candidate columns used
 * @param learningRate  the rate applied
 * @param millis        wall time of the step
 */
public record StepResult(long step, float loss, Map<String, Float> terms, float[] logitScales,
                         int hardNegatives, float learningRate, long millis) {
}
