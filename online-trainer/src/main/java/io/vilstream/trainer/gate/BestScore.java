package io.vilstream.trainer.gate;

/**
 * The best version promoted so far and its score on the validation set the candidate is scored on.
 *
 * @param measured true when the score was just measured on this revision of the set, false when
 *                 it is the score recorded for it on an identical set (same fingerprint)
 */
public record BestScore(long version, double score, boolean measured) {
}
