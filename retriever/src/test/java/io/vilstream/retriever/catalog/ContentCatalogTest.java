package io.vilstream.retriever.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.vilstream.schemas.avro.Caption;
import io.vilstream.schemas.avro.ContentEvent;
import io.vilstream.schemas.avro.ImageRendition;
import io.vilstream.schemas.avro.ObjectTags;
import io.vilstream.schemas.avro.ScoredTag;
import org.junit.jupiter.api.Test;

/** The content cache keeps names, captions, tags and the first image, within its bounds. */
class ContentCatalogTest {

    static ContentEvent event(String id, String name, int imageBytes) {
        return ContentEvent.newBuilder().setId(id)
                .setImages(List.of(ImageRendition.newBuilder().setData(ByteBuffer.wrap(new byte[imageBytes]))
                        .setMediaType("image/png").setSource("test").build()))
                .setCaptions(List.of(Caption.newBuilder().setText(name).setKind("name").build(),
                        Caption.newBuilder().setText(name + " alt").setKind("shortcode").build()))
                .setTags(List.of("t1")).setAttributes(Map.of("k", "v")).setEventTime(Instant.EPOCH).build();
    }

    @Test
    void keepsThePrimaryCaptionOtherCaptionsTagsAndTheFirstImage() {
        ContentCatalog catalog = new ContentCatalog(10, 1 << 20, 1024);
        catalog.put(ObjectTags.newBuilder().setContentId("a").setModelName("m").setTaggerVersion(3)
                .setTags(List.of(ScoredTag.newBuilder().setTag("cat").setScore(0.9f).build()))
                .setProducedAt(Instant.EPOCH).build());
        catalog.put(event("a", "grinning cat", 100));

        CatalogItem a = catalog.get("a").orElseThrow();
        assertThat(a.name()).isEqualTo("grinning cat");
        assertThat(a.captions()).extracting(CatalogItem.Text::text).containsExactly("grinning cat alt");
        assertThat(a.tags()).containsExactly("t1");
        assertThat(a.generatedTags()).extracting(CatalogItem.ScoredTag::tag).containsExactly("cat");
        assertThat(a.image()).hasSize(100);
        assertThat(a.mediaType()).isEqualTo("image/png");
    }

    @Test
    void evictsTheLeastRecentlyUsedItemsBeyondItsCountOrBytesAndSkipsHugeImages() {
        ContentCatalog catalog = new ContentCatalog(2, 1 << 20, 1024);
        catalog.put(event("a", "a", 10));
        catalog.put(event("b", "b", 10));
        catalog.get("a");
        catalog.put(event("c", "c", 10));
        assertThat(catalog.get("b")).isEmpty();
        assertThat(catalog.get("a")).isPresent();

        ContentCatalog small = new ContentCatalog(100, 3_000, 100_000);
        small.put(event("x", "x", 2_000));
        small.put(event("y", "y", 2_000));
        assertThat(small.size()).isEqualTo(1);
        assertThat(small.bytes()).isLessThanOrEqualTo(3_000);

        ContentCatalog noBigImages = new ContentCatalog(10, 1 << 20, 50);
        noBigImages.put(event("z", "z", 51));
        assertThat(noBigImages.get("z").orElseThrow().image()).isNull();
        assertThat(noBigImages.get("z").orElseThrow().name()).isEqualTo("z");

        noBigImages.remove("z");
        assertThat(noBigImages.get("z")).isEmpty();
    }
}
