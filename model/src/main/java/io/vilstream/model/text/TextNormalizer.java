package io.vilstream.model.text;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns raw text into words, the same way at training and serving time.
 *
 * <p>Definition: Unicode NFKC (so "ﬁ", full-width letters and compatibility forms fold to
 * their plain letters), then diacritics removed (NFD, combining marks dropped, so "piñata"
 * and "pinata" meet), then full case folding with {@link Locale#ROOT}; a word is a maximal run
 * of letters or digits, everything else separates words ("flag: Côte d’Ivoire" →
 * [flag, cote, d, ivoire]).
 */
public final class TextNormalizer {

    private TextNormalizer() {
    }

    public static String normalize(String text) {
        if (text == null) {
            return "";
        }
        String nfkc = Normalizer.normalize(text, Normalizer.Form.NFKC);
        String decomposed = Normalizer.normalize(nfkc, Normalizer.Form.NFD);
        StringBuilder sb = new StringBuilder(decomposed.length());
        decomposed.codePoints()
                .filter(cp -> Character.getType(cp) != Character.NON_SPACING_MARK)
                .forEach(sb::appendCodePoint);
        return sb.toString().toLowerCase(Locale.ROOT);
    }

    public static List<String> words(String text) {
        String s = normalize(text);
        List<String> words = new ArrayList<>();
        int start = -1;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            boolean inWord = Character.isLetterOrDigit(cp);
            if (inWord && start < 0) {
                start = i;
            } else if (!inWord && start >= 0) {
                words.add(s.substring(start, i));
                start = -1;
            }
            i += Character.charCount(cp);
        }
        if (start >= 0) {
            words.add(s.substring(start));
        }
        return words;
    }
}
