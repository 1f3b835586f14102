package io.vilstream.model.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import io.vilstream.model.config.ModelConfig;
import org.junit.jupiter.api.Test;

class HashingTokenizerTest {

    private final ModelConfig config = ModelConfig.hashed();
    private final HashingTokenizer tokenizer = new HashingTokenizer(config);

    @Test
    void isDeterministicAndPadsWithZero() {
        long[] a = tokenizer.encode("grinning cat");
        assertThat(a).containsExactly(tokenizer.encode("Grinning  CAT!"));
        assertThat(a).hasSize(config.maxWords() * config.maxFeaturesPerWord());
        // the third word slot is padding
        int third = 2 * config.maxFeaturesPerWord();
        assertThat(Arrays.copyOfRange(a, third, third + config.maxFeaturesPerWord())).containsOnly(0L);
        assertThat(Arrays.stream(a).filter(id -> id != 0)).allMatch(id -> id > 0 && id < config.textBuckets());
    }

    @Test
    void anUnseenWordSharesSubwordFeaturesWithARelatedWord() {
        Set<Long> grin = features("grin");
        Set<Long> grinning = features("grinning");
        Set<Long> pizza = features("pizza");
        grin.retainAll(grinning);
        assertThat(grin).as("n-grams of <grin shared with grinning").hasSizeGreaterThanOrEqualTo(3);
        pizza.retainAll(grinning);
        assertThat(pizza).isEmpty();
    }

    @Test
    void shortWordIsItsWordFeaturePlusItsProperNgrams() {
        // "<ab>": the word feature, then "<ab" and "ab>"; the whole marked word is not repeated as an n-gram
        long[] ids = tokenizer.encode("ab");
        assertThat(Arrays.copyOf(ids, 4)).doesNotHaveDuplicates();
        assertThat(Arrays.copyOf(ids, 3)).doesNotContain(0L);
        assertThat(ids[3]).isZero();
    }

    private Set<Long> features(String word) {
        Set<Long> out = new HashSet<>();
        for (long id : tokenizer.encode(word)) {
            if (id != 0) {
                out.add(id);
            }
        }
        return out;
    }
}
