package io.vilstream.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.vilstream.datasets.catalog.CacheLayout;

class EmojiDatasetTest {

    @Test
    void sourceParsesTheCommandLineNames() {
        assertThat(EmojiDataset.Source.parse("fixture")).isEqualTo(EmojiDataset.Source.FIXTURE);
        assertThat(EmojiDataset.Source.parse("Emoji")).isEqualTo(EmojiDataset.Source.EMOJI);
        assertThat(EmojiDataset.Source.parse("full")).isEqualTo(EmojiDataset.Source.EMOJI);
        assertThatThrownBy(() -> EmojiDataset.Source.parse("coco"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fixture or emoji");
    }

    @Test
    void loadingTheFixtureSourceNeedsNoCache() {
        EmojiDataset dataset = EmojiDataset.load(EmojiDataset.Source.FIXTURE, Path.of("/nonexistent"));

        assertThat(dataset.source()).isEqualTo(EmojiDataset.Source.FIXTURE);
        assertThat(dataset.items()).isNotEmpty();
    }

    @Test
    void defaultCacheDirHonoursTheDataDirProperty() {
        String before = System.getProperty(CacheLayout.CACHE_DIR_PROPERTY);
        try {
            System.setProperty(CacheLayout.CACHE_DIR_PROPERTY, "/srv/vilstream-cache");
            assertThat(EmojiDataset.defaultCacheDir()).isEqualTo(Path.of("/srv/vilstream-cache/emoji-16.0.0"));
        } finally {
            if (before == null) {
                System.clearProperty(CacheLayout.CACHE_DIR_PROPERTY);
            } else {
                System.setProperty(CacheLayout.CACHE_DIR_PROPERTY, before);
            }
        }
    }
}
