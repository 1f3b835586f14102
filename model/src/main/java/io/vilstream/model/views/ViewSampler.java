package io.vilstream.model.views;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import io.vilstream.model.image.ImageAugmenter;
import io.vilstream.model.text.TextNormalizer;

/**
 * Builds an item's views for a training step (docs/LEARNING.md "Views"):
 * <ul>
 *   <li>I, I′: two different renditions when the item has several, else two augmentations of
 *       its one image. I, which is matched against text, keeps its colours (colour names
 *       meaning); I′ gets the full ERNIE-ViL augmentation.</li>
 *   <li>T: the primary caption, or with probability {@code 1 - primaryCaptionProbability}
 *       another of its captions; light word dropout.</li>
 *   <li>T′: another caption than T when there is one, else T with word dropout (SimCSE-style).</li>
 *   <li>T_tag: the producer's tags, shuffled, at most {@code maxTags}, joined by spaces; for an
 *       item without tags the caller passes the tagger's generated tags.</li>
 * </ul>
 */
public final class ViewSampler {

    private final ImageAugmenter textSideAugmenter;
    private final ImageAugmenter imageSideAugmenter;
    private final int imageSize;
    private final Settings settings;

    public ViewSampler(int imageSize, ImageAugmenter.Settings textSide, ImageAugmenter.Settings imageSide,
                       Settings settings) {
        this.imageSize = imageSize;
        this.textSideAugmenter = new ImageAugmenter(textSide);
        this.imageSideAugmenter = new ImageAugmenter(imageSide);
        this.settings = settings;
    }

    /**
     * The views of one item.
     *
     * @param generatedTags tags from the tagger, used only when the item has none of its own
     */
    public ItemViews sample(TrainingItem item, List<String> generatedTags, SplittableRandom rng) {
        List<float[]> imgs = item.images();
        int first = rng.nextInt(imgs.size());
        float[] image = textSideAugmenter.augment(imgs.get(first), imageSize, rng);
        int second = imgs.size() > 1 ? (first + 1 + rng.nextInt(imgs.size() - 1)) % imgs.size() : first;
        float[] image2 = imageSideAugmenter.augment(imgs.get(second), imageSize, rng);

        List<String> captions = new ArrayList<>(1 + item.otherCaptions().size());
        captions.add(item.caption());
        captions.addAll(item.otherCaptions());
        int t = captions.size() > 1 && rng.nextDouble() >= settings.primaryCaptionProbability()
                ? 1 + rng.nextInt(captions.size() - 1) : 0;
        String text = dropWords(captions.get(t), settings.captionWordDropout(), rng);
        String text2;
        if (!item.tags().isEmpty() && rng.nextDouble() < settings.keywordPhraseProbability()) {
            // a phrase of the item's own keywords: ties the caption's words to the words producers use
            SplittableRandom r = phraseRandom(item, 1, rng);
            text2 = joinShuffled(item.tags(), 2 + r.nextInt(Math.max(1, settings.maxTags() - 1)), r);
        } else if (captions.size() > 1) {
            int u = (t + 1 + rng.nextInt(captions.size() - 1)) % captions.size();
            text2 = dropWords(captions.get(u), settings.captionWordDropout(), rng);
        } else {
            text2 = dropWords(captions.get(t), settings.secondViewWordDropout(), rng);
        }

        List<String> tags = item.tags().isEmpty() ? generatedTags : item.tags();
        String tagText = tags == null || tags.isEmpty() ? null
                : joinShuffled(tags, settings.maxTags(), tags == generatedTags ? rng : phraseRandom(item, 2, rng));
        return new ItemViews(image, image2, text, text2, tagText, imgs.get(first), imgs.get(second));
    }

    /**
     * The generator a keyword phrase is drawn with: the step's own, or, with
     * {@code phraseVariants} set, one of that many fixed generators per item and kind, so an item
     * has at most that many distinct phrases (what a frozen text backbone encodes once each and
     * then serves from its cache).
     */
    private SplittableRandom phraseRandom(TrainingItem item, int kind, SplittableRandom rng) {
        if (settings.phraseVariants() <= 0) {
            return rng;
        }
        long variant = rng.nextInt(settings.phraseVariants());
        return new SplittableRandom(item.id().hashCode() * 0x9E3779B97F4A7C15L + kind * 1_000_003L + variant);
    }

    static String dropWords(String text, float p, SplittableRandom rng) {
        List<String> words = TextNormalizer.words(text);
        if (p <= 0 || words.size() < 2) {
            return String.join(" ", words);
        }
        List<String> kept = new ArrayList<>(words.size());
        for (String w : words) {
            if (rng.nextDouble() >= p) {
                kept.add(w);
            }
        }
        if (kept.isEmpty()) {
            kept.add(words.get(rng.nextInt(words.size())));
        }
        return String.join(" ", kept);
    }

    static String joinShuffled(List<String> tags, int max, SplittableRandom rng) {
        List<String> copy = new ArrayList<>(tags);
        for (int i = copy.size() - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            String tmp = copy.get(i);
            copy.set(i, copy.get(j));
            copy.set(j, tmp);
        }
        return String.join(" ", copy.subList(0, Math.min(max, copy.size())));
    }

    /**
     * Text view settings.
     *
     * @param primaryCaptionProbability how often T is the primary caption
     * @param captionWordDropout        word dropout on captions
     * @param secondViewWordDropout     word dropout that makes T′ when there is only one caption
     * @param maxTags                   tags kept in T_tag
     * @param keywordPhraseProbability  how often T′ is a phrase of the item's own keywords
     * @param wordFeatureDropout        how often a word's whole-word feature is hidden in a training
     *                                  text, so the tower learns to read words from their n-grams
     *                                  alone — as it must for words it never saw
     * @param ngramFeatureDropout       how often one character n-gram feature is hidden
     * @param phraseVariants            distinct keyword phrases (and tag sequences) per item at
     *                                  most; 0 = a fresh random phrase every time
     */
    public record Settings(float primaryCaptionProbability, float captionWordDropout, float secondViewWordDropout,
                           int maxTags, float keywordPhraseProbability, float wordFeatureDropout,
                           float ngramFeatureDropout, int phraseVariants) {
        public static Settings defaults() {
            return new Settings(0.7f, 0.1f, 0.3f, 8, 0.3f, 0.25f, 0.1f, 0);
        }

        /** Without keyword phrases and feature dropout: the text views as first built (for comparisons). */
        public Settings withoutTextAugmentation() {
            return new Settings(primaryCaptionProbability, captionWordDropout, secondViewWordDropout, maxTags, 0f, 0f, 0f,
                    phraseVariants);
        }

        /**
         * For a frozen text backbone, which costs a transformer pass per distinct text: at most
         * {@code variants} keyword phrases per item, so after the first epochs every text view is
         * a cache hit.
         */
        public Settings withPhraseVariants(int variants) {
            return new Settings(primaryCaptionProbability, captionWordDropout, secondViewWordDropout, maxTags,
                    keywordPhraseProbability, wordFeatureDropout, ngramFeatureDropout, variants);
        }

        public Settings withKeywordPhraseProbability(float p) {
            return new Settings(primaryCaptionProbability, captionWordDropout, secondViewWordDropout, maxTags,
                    p, wordFeatureDropout, ngramFeatureDropout, phraseVariants);
        }

        /** Whole captions only: no word dropout on T or T′ (a frozen backbone reads whole names best). */
        public Settings withoutWordDropout() {
            return new Settings(primaryCaptionProbability, 0f, 0f, maxTags,
                    keywordPhraseProbability, wordFeatureDropout, ngramFeatureDropout, phraseVariants);
        }

        public Settings withPrimaryCaptionProbability(float p) {
            return new Settings(p, captionWordDropout, secondViewWordDropout, maxTags,
                    keywordPhraseProbability, wordFeatureDropout, ngramFeatureDropout, phraseVariants);
        }
    }
}
