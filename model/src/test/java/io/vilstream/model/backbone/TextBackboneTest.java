package io.vilstream.model.backbone;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The pretrained text backbone loads offline from its jar and its space knows words. */
class TextBackboneTest {

    @Test
    void loadsOfflineFromTheJarAndKnowsWordsTheEmojiNamesNeverTaught() {
        TextBackbone backbone = TextBackbone.shared(BackboneSpec.MINILM_L6_V2);
        float[][] v = backbone.embed(List.of("deer", "moose", "flamingo", "deer"));
        assertThat(v[0]).hasSize(384);
        assertThat(norm(v[0])).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
        double deerMoose = dot(v[0], v[1]);
        double deerFlamingo = dot(v[0], v[2]);
        assertThat(deerMoose).isGreaterThan(deerFlamingo + 0.15);
        assertThat(v[3]).isSameAs(v[0]); // the repeated text came from the cache
    }

    @Test
    void aRepeatedTextIsServedFromTheCache() {
        TextBackbone backbone = TextBackbone.shared(BackboneSpec.MINILM_L6_V2);
        backbone.embed(List.of("a text seen once"));
        long misses = backbone.cache().misses();
        backbone.embed(List.of("a text seen once", "a text seen once"));
        assertThat(backbone.cache().misses()).isEqualTo(misses);
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * (double) b[i];
        }
        return s;
    }

    static double norm(float[] a) {
        return Math.sqrt(dot(a, a));
    }
}
