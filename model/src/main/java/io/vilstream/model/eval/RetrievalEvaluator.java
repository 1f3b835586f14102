package io.vilstream.model.eval;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.vilstream.model.tagger.ScoredTag;
import io.vilstream.model.tagger.TagVocabulary;
import io.vilstream.model.towers.DualEncoder;
import io.vilstream.model.views.TrainingItem;

/**
 * Recall@K in both directions (docs/LEARNING.md "Evaluation"): each item's primary image and primary
 * caption (its name) are its pair; the gallery is the evaluated items themselves, ranked as the
 * retriever ranks them ({@link HubnessCorrection}). Ranks are
 * pessimistic on ties (a candidate scoring equal to the right answer counts as ahead), so a
 * collapsed model cannot look good.
 */
public final class RetrievalEvaluator {

    private static final int BATCH = 128;

    private RetrievalEvaluator() {
    }

    /** Recall with the default ranking, {@link HubnessCorrection#DEFAULT}: what the retriever serves. */
    public static RetrievalMetrics evaluate(DualEncoder model, List<TrainingItem> items) {
        return evaluate(model, items, HubnessCorrection.DEFAULT);
    }

    public static RetrievalMetrics evaluate(DualEncoder model, List<TrainingItem> items, HubnessCorrection ranking) {
        float[][] img = encodeImages(model, items);
        float[][] txt = encodeTexts(model, items);
        return fromEmbeddings(img, txt, ranking);
    }

    /** Recall from row-aligned embeddings (row i of both belongs to item i), default ranking. */
    public static RetrievalMetrics fromEmbeddings(float[][] img, float[][] txt) {
        return fromEmbeddings(img, txt, HubnessCorrection.DEFAULT);
    }

    /**
     * Recall from row-aligned embeddings, ranked by cosine less each candidate's hubness against
     * the other half of the same items ({@link HubnessCorrection}).
     */
    public static RetrievalMetrics fromEmbeddings(float[][] img, float[][] txt, HubnessCorrection ranking) {
        int n = img.length;
        float[][] sim = new float[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                sim[i][j] = dot(img[i], txt[j]);
            }
        }
        // a caption's hubness against the images ranks captions for an image query, and the other way round
        float[] captionPenalty = ranking.columnPenalties(sim);
        float[] imagePenalty = ranking.rowPenalties(sim);
        int[] i2t = new int[n];
        int[] t2i = new int[n];
        for (int q = 0; q < n; q++) {
            float rightCaption = sim[q][q] - captionPenalty[q];
            float rightImage = sim[q][q] - imagePenalty[q];
            int ri = 0;
            int rt = 0;
            for (int c = 0; c < n; c++) {
                if (c == q) {
                    continue;
                }
                // "not below" rather than ">=": a NaN score (diverged model) counts against it
                if (!(sim[q][c] - captionPenalty[c] < rightCaption)) {
                    ri++;
                }
                if (!(sim[c][q] - imagePenalty[c] < rightImage)) {
                    rt++;
                }
            }
            i2t[q] = ri;
            t2i[q] = rt;
        }
        return new RetrievalMetrics(Recall.fromRanks(i2t), Recall.fromRanks(t2i), n);
    }

    /** Precision and recall of the 5 best generated tags against the items' own tags. */
    public static TaggerMetrics tagger(DualEncoder model, List<TrainingItem> items) {
        List<TrainingItem> tagged = items.stream().filter(i -> !i.tags().isEmpty()).toList();
        double p = 0;
        double r = 0;
        for (int from = 0; from < tagged.size(); from += BATCH) {
            List<TrainingItem> chunk = tagged.subList(from, Math.min(tagged.size(), from + BATCH));
            List<List<ScoredTag>> predicted = model.tagImages(
                    chunk.stream().map(TrainingItem::primaryImage).toList(), 5, 0f);
            for (int i = 0; i < chunk.size(); i++) {
                Set<String> gold = new HashSet<>();
                chunk.get(i).tags().forEach(t -> gold.add(TagVocabulary.normalize(t)));
                long hits = predicted.get(i).stream().filter(t -> gold.contains(t.tag())).count();
                p += hits / 5.0;
                r += hits / (double) gold.size();
            }
        }
        int n = tagged.size();
        return n == 0 ? new TaggerMetrics(0, 0, 0) : new TaggerMetrics(p / n, r / n, n);
    }

    public static float[][] encodeImages(DualEncoder model, List<TrainingItem> items) {
        List<float[]> out = new ArrayList<>(items.size());
        for (int from = 0; from < items.size(); from += BATCH) {
            List<float[]> chunk = items.subList(from, Math.min(items.size(), from + BATCH)).stream()
                    .map(TrainingItem::primaryImage).toList();
            out.addAll(List.of(model.encodeImages(chunk)));
        }
        return out.toArray(new float[0][]);
    }

    public static float[][] encodeTexts(DualEncoder model, List<TrainingItem> items) {
        List<float[]> out = new ArrayList<>(items.size());
        for (int from = 0; from < items.size(); from += BATCH) {
            List<String> chunk = items.subList(from, Math.min(items.size(), from + BATCH)).stream()
                    .map(TrainingItem::caption).toList();
            out.addAll(List.of(model.encodeTexts(chunk)));
        }
        return out.toArray(new float[0][]);
    }

    public static float dot(float[] a, float[] b) {
        float s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
