package io.vilstream.model.eval;

/**
 * Retrieval quality on a set of items, both directions.
 *
 * @param i2t     image → text (an item's image ranks all captions)
 * @param t2i     text → image (an item's caption ranks all images)
 * @param queries items evaluated (queries per direction)
 */
public record RetrievalMetrics(Recall i2t, Recall t2i, int queries) {
}
