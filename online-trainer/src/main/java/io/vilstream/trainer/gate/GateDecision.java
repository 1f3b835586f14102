package io.vilstream.trainer.gate;

/**
 * The gate's verdict on a candidate, with both evaluations and the reason recorded in the
 * version's {@code reason} field.
 */
public record GateDecision(boolean promote, String reason, Evaluation candidate, Evaluation baseline,
                           long baselineVersion) {
}
