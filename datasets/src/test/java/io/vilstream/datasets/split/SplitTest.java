package io.vilstream.datasets.split;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class SplitTest {

    @Test
    void pinnedIdsKeepTheirSplitsForever() {
        // changing any of these changes which items every recorded metric was measured on
        assertThat(Split.of("1f600")).isEqualTo(Split.VAL);
        assertThat(Split.of("1f622")).isEqualTo(Split.VAL);
        assertThat(Split.of("1f1ef-1f1f5")).isEqualTo(Split.VAL);
        assertThat(Split.of("1f499")).isEqualTo(Split.TEST);
        assertThat(Split.of("26bd")).isEqualTo(Split.TEST);
        assertThat(Split.of("2764-fe0f")).isEqualTo(Split.TRAIN);
        assertThat(Split.of("1f63b")).isEqualTo(Split.TRAIN);
    }

    @Test
    void sameIdAlwaysGetsTheSameSplit() {
        for (int i = 0; i < 1000; i++) {
            String id = "item-" + i;
            assertThat(Split.of(id)).isEqualTo(Split.of(new String(id.toCharArray())));
        }
    }

    @Test
    void splitsIdsAboutEightyTenTen() {
        Map<Split, Integer> counts = new EnumMap<>(Split.class);
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            counts.merge(Split.of("content-" + i), 1, Integer::sum);
        }
        assertThat(counts.get(Split.TRAIN) / (double) n).isBetween(0.78, 0.82);
        assertThat(counts.get(Split.VAL) / (double) n).isBetween(0.09, 0.11);
        assertThat(counts.get(Split.TEST) / (double) n).isBetween(0.09, 0.11);
    }

    @Test
    void bucketsMapToSplitsAsDocumented() {
        for (int i = 0; i < 500; i++) {
            String id = "x" + i;
            int bucket = Split.bucket(id);
            assertThat(bucket).isBetween(0, Split.BUCKETS - 1);
            Split expected = bucket <= 7 ? Split.TRAIN : bucket == 8 ? Split.VAL : Split.TEST;
            assertThat(Split.of(id)).isEqualTo(expected);
        }
    }

    @Test
    void parsesCommandLineNamesAndRejectsOthersNamingTheChoices() {
        assertThat(Split.parse("train")).isEqualTo(Split.TRAIN);
        assertThat(Split.parse(" VAL ")).isEqualTo(Split.VAL);
        assertThat(Split.parse("validation")).isEqualTo(Split.VAL);
        assertThat(Split.parse("test")).isEqualTo(Split.TEST);
        assertThatThrownBy(() -> Split.parse("dev"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("train, val or test");
    }
}
