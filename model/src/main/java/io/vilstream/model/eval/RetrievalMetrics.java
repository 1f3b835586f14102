package io.vilstream.model.eval;

/**
 * Retrieval quality on a set of items, both directions.
 *
 * @param i2t     image → text (an item's image ranks all captions)
 * @param t2i     text → image (an item's caption ranks all images)
 * @param queries items evaluated (queries per direction)
 */
public record RetrievalMetrics(Recall i2t, Recall t2i, int queries) {

    /**
     * The mean of R@1, R@5 and R@10 in both directions: one number that moves with both the top
     * of the ranking (R@1 is noisy alone) and its reach (R@10 saturates on a small set).
     */
    public double meanRecall() {
        return (i2t.r1() + i2t.r5() + i2t.r10() + t2i.r1() + t2i.r5() + t2i.r10()) / 6;
    }
}
