package io.vilstream.datasets.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;

import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

import io.vilstream.datasets.EmojiDataset;
import io.vilstream.datasets.item.EmojiItem;
import io.vilstream.schemas.avro.Caption;
import io.vilstream.schemas.avro.ContentEvent;
import io.vilstream.schemas.avro.ImageRendition;

class ContentEventsTest {

    private static final Instant EVENT_TIME = Instant.parse("2025-01-02T03:04:05.678Z");

    private final EmojiItem heartEyesCat = EmojiDataset.fixture().item("1f63b").orElseThrow();

    @Test
    void primaryCaptionIsTheNameFollowedByTheOtherTextForms() {
        ContentEvent event = ContentEvents.from(heartEyesCat, EVENT_TIME);

        assertThat(event.getId()).isEqualTo("1f63b");
        assertThat(event.getCaptions().get(0).getText()).isEqualTo("smiling cat with heart-eyes");
        assertThat(event.getCaptions().get(0).getKind()).isEqualTo("name");
        assertThat(event.getCaptions()).extracting(Caption::getText).containsExactly(
                "smiling cat with heart-eyes", "smiling cat face with heart-shaped eyes", "heart eyes cat");
        assertThat(event.getCaptions()).extracting(Caption::getKind)
                .containsExactly("name", "unicode_name", "shortcode");
    }

    @Test
    void imagesAreTheRenditionsGoogleFirstAsPng() {
        ContentEvent event = ContentEvents.from(heartEyesCat, EVENT_TIME);

        assertThat(event.getImages()).extracting(ImageRendition::getSource).containsExactly("google", "twitter");
        assertThat(event.getImages()).extracting(ImageRendition::getMediaType).containsOnly("image/png");
        assertThat(bytes(event.getImages().get(0).getData())).isEqualTo(heartEyesCat.renditions().get(0).png());
        assertThat(bytes(event.getImages().get(1).getData())).isEqualTo(heartEyesCat.renditions().get(1).png());
    }

    @Test
    void tagsAreTheKeywordsAndAttributesCarryGroupSplitAndDataset() {
        ContentEvent event = ContentEvents.from(heartEyesCat, EVENT_TIME);

        assertThat(event.getTags()).containsExactlyElementsOf(heartEyesCat.keywords());
        assertThat(event.getLocale()).isEqualTo("en");
        assertThat(event.getEventTime()).isEqualTo(EVENT_TIME);
        assertThat(event.getAttributes())
                .containsEntry("dataset", "emoji")
                .containsEntry("group", "Smileys & Emotion")
                .containsEntry("subgroup", "cat-face")
                .containsEntry("split", "train")
                .containsEntry("licence", "google=Apache-2.0,twitter=CC-BY-4.0");
    }

    @Test
    void everyFixtureEventRoundTripsThroughAvroBinary() throws IOException {
        SpecificDatumWriter<ContentEvent> writer = new SpecificDatumWriter<>(ContentEvent.class);
        SpecificDatumReader<ContentEvent> reader = new SpecificDatumReader<>(ContentEvent.class);
        List<EmojiItem> items = EmojiDataset.fixture().items();
        for (EmojiItem item : items) {
            ContentEvent event = ContentEvents.from(item, EVENT_TIME);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            writer.write(event, encoder);
            encoder.flush();
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(out.toByteArray(), null);
            ContentEvent decoded = reader.read(null, decoder);

            assertThat(decoded).as(item.id()).isEqualTo(ContentEvents.from(item, EVENT_TIME));
            assertThat(bytes(decoded.getImages().get(1).getData())).isEqualTo(item.renditions().get(1).png());
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }
}
