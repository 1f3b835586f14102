package io.vilstream.model.eval;

/**
 * The tagger's quality against held-out producer tags.
 *
 * @param p5    precision@5: of the 5 best generated tags, the fraction the producer gave
 * @param r5    recall@5: of the producer's tags, the fraction among the 5 best generated
 * @param items items with at least one producer tag
 */
public record TaggerMetrics(double p5, double r5, int items) {
}
