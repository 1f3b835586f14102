package io.vilstream.datasets.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.vilstream.datasets.item.TextForm;

class EmojiCatalogTest {

    @Test
    void joinKeyDropsTheVariationSelectorSoBothSourcesMeet() {
        assertThat(EmojiCatalog.joinKey("2764-FE0F")).isEqualTo("2764");
        assertThat(EmojiCatalog.joinKey("2764")).isEqualTo("2764");
        assertThat(EmojiCatalog.joinKey("26f9-fe0f-200d-2642-fe0f")).isEqualTo("26F9-200D-2642");
        assertThat(EmojiCatalog.joinKey("1f600")).isEqualTo("1F600");
    }

    @Test
    void textFormsAreUnicodeNameThenShortcodesWithoutRepeatsOrTheName() {
        List<TextForm> forms = EmojiCatalog.textForms("smiling face with heart-eyes",
                "SMILING FACE WITH HEART-SHAPED EYES",
                List.of("heart_eyes", "heart_eyes", "smiling_face_with_heart_eyes", "Heart-Eyes", "love"));

        assertThat(forms).containsExactly(
                new TextForm("smiling face with heart-shaped eyes", TextForm.Kind.UNICODE_NAME),
                new TextForm("heart eyes", TextForm.Kind.SHORTCODE),
                new TextForm("love", TextForm.Kind.SHORTCODE));
    }

    @Test
    void aUnicodeNameEqualToTheNameIsNotRepeated() {
        List<TextForm> forms = EmojiCatalog.textForms("blue heart", "BLUE HEART", List.of("blue_heart"));

        assertThat(forms).isEmpty();
    }
}
