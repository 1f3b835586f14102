package io.vilstream.model.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextNormalizerTest {

    @Test
    void foldsCaseCompatibilityFormsAndDiacritics() {
        assertThat(TextNormalizer.normalize("Ｃôte ﬁne")).isEqualTo("cote fine");
    }

    @Test
    void splitsWordsOnAnythingButLettersAndDigits() {
        assertThat(TextNormalizer.words("flag: Côte d’Ivoire")).containsExactly("flag", "cote", "d", "ivoire");
        assertThat(TextNormalizer.words("keycap: 10")).containsExactly("keycap", "10");
        assertThat(TextNormalizer.words("  ")).isEmpty();
        assertThat(TextNormalizer.words(null)).isEmpty();
    }
}
