package io.vilstream.model.text;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.vilstream.model.config.ModelConfig;

/**
 * fastText-style subword features: every word becomes its own id plus the ids of its character
 * n-grams (with boundary marks, "&lt;cat&gt;" → "&lt;ca", "cat", "at&gt;", …), all hashed into a
 * fixed table. Words never seen in training still share n-grams with seen ones ("grinning" and
 * "grin"), which is what unseen emoji names need; nothing has to be learned or stored but the
 * table size, so the online trainer can meet new words at any time.
 *
 * <p>Id 0 is padding; features hash into 1..buckets-1 (64-bit FNV-1a on UTF-8, distinct prefixes
 * for whole words and n-grams). Output is a dense {@code [maxWords × maxFeaturesPerWord]} grid.
 */
public final class HashingTokenizer {

    private final int buckets;
    private final int maxWords;
    private final int maxFeatures;
    private final int ngramMin;
    private final int ngramMax;

    public HashingTokenizer(ModelConfig config) {
        this.buckets = config.textBuckets();
        this.maxWords = config.maxWords();
        this.maxFeatures = config.maxFeaturesPerWord();
        this.ngramMin = config.ngramMin();
        this.ngramMax = config.ngramMax();
    }

    public int maxWords() {
        return maxWords;
    }

    public int maxFeatures() {
        return maxFeatures;
    }

    /** Feature ids of one text, row-major {@code [maxWords][maxFeatures]}; 0 = padding. */
    public long[] encode(String text) {
        long[] out = new long[maxWords * maxFeatures];
        encodeInto(TextNormalizer.words(text), out, 0);
        return out;
    }

    /** Feature ids of already normalized words (e.g. after word dropout). */
    public long[] encodeWords(List<String> words) {
        long[] out = new long[maxWords * maxFeatures];
        encodeInto(words, out, 0);
        return out;
    }

    /** Encodes many texts into one {@code [n × maxWords × maxFeatures]} array. */
    public long[] encodeBatch(List<String> texts) {
        int stride = maxWords * maxFeatures;
        long[] out = new long[texts.size() * stride];
        for (int i = 0; i < texts.size(); i++) {
            encodeInto(TextNormalizer.words(texts.get(i)), out, i * stride);
        }
        return out;
    }

    void encodeInto(List<String> words, long[] out, int offset) {
        int w = 0;
        for (String word : words) {
            if (w == maxWords) {
                break;
            }
            int base = offset + w * maxFeatures;
            int f = 0;
            out[base + f++] = bucket("w\u0001" + word);
            String marked = "<" + word + ">";
            int[] cps = marked.codePoints().toArray();
            for (int n = ngramMin; n <= ngramMax && f < maxFeatures; n++) {
                for (int i = 0; i + n <= cps.length && f < maxFeatures; i++) {
                    if (n == cps.length) {
                        continue; // the whole marked word is already the word feature
                    }
                    out[base + f++] = bucket("g\u0001" + new String(cps, i, n));
                }
            }
            w++;
        }
    }

    long bucket(String feature) {
        long h = 0xcbf29ce484222325L;
        for (byte b : feature.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return 1 + Math.floorMod(h, (long) (buckets - 1));
    }
}
