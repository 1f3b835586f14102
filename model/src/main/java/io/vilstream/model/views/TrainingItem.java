package io.vilstream.model.views;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.vilstream.model.image.ImageDecoder;
import io.vilstream.model.image.ImageRejectedException;
import io.vilstream.schemas.avro.Caption;
import io.vilstream.schemas.avro.ContentEvent;
import io.vilstream.schemas.avro.ImageRendition;

/**
 * A content item decoded for the towers: its renditions as {@code [3 × S × S]} tensors, its
 * primary caption (the retrieval ground truth), its other captions, and the producer's tags.
 */
public record TrainingItem(String id, List<float[]> images, String caption, List<String> otherCaptions,
                           List<String> tags, Instant eventTime) {

    public TrainingItem {
        images = List.copyOf(images);
        otherCaptions = List.copyOf(otherCaptions);
        tags = List.copyOf(tags);
        if (images.isEmpty()) {
            throw new IllegalArgumentException("item " + id + " has no image");
        }
        if (caption == null || caption.isBlank()) {
            throw new IllegalArgumentException("item " + id + " has no caption");
        }
    }

    /** Decodes every rendition of an event; a rendition that cannot be decoded is an error. */
    public static TrainingItem from(ContentEvent event, ImageDecoder decoder) throws ImageRejectedException {
        List<float[]> images = new ArrayList<>(event.getImages().size());
        for (ImageRendition r : event.getImages()) {
            images.add(decoder.decode(bytes(r.getData())));
        }
        List<Caption> captions = event.getCaptions();
        if (captions.isEmpty()) {
            throw new IllegalArgumentException("content " + event.getId() + " has no caption");
        }
        List<String> others = new ArrayList<>();
        for (int i = 1; i < captions.size(); i++) {
            String t = captions.get(i).getText();
            if (t != null && !t.isBlank()) {
                others.add(t);
            }
        }
        return new TrainingItem(event.getId(), images, captions.get(0).getText(), others,
                event.getTags() == null ? List.of() : event.getTags(), event.getEventTime());
    }

    public static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    public float[] primaryImage() {
        return images.get(0);
    }
}
