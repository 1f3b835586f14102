package io.vilstream.model.backbone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FeatureCacheTest {

    @Test
    void staysWithinItsCapacityEvictingTheLeastRecentlyUsed() {
        FeatureCache cache = new FeatureCache(3);
        for (int i = 0; i < 10; i++) {
            cache.put("t" + i, new float[] {i});
            assertThat(cache.size()).isLessThanOrEqualTo(3);
        }
        assertThat(cache.get("t0")).isNull();
        assertThat(cache.get("t9")).containsExactly(9f);
        cache.get("t7"); // touched: now the most recent
        cache.put("t10", new float[] {10});
        assertThat(cache.get("t7")).isNotNull();
        assertThat(cache.get("t8")).isNull();
        assertThat(cache.size()).isEqualTo(3);
    }

    @Test
    void countsHitsAndMisses() {
        FeatureCache cache = new FeatureCache(2);
        cache.get("a");
        cache.put("a", new float[] {1});
        cache.get("a");
        assertThat(cache.hits()).isEqualTo(1);
        assertThat(cache.misses()).isEqualTo(1);
    }

    @Test
    void refusesANonPositiveCapacity() {
        assertThatThrownBy(() -> new FeatureCache(0)).hasMessageContaining("at least 1");
    }
}
