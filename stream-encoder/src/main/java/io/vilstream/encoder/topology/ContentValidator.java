package io.vilstream.encoder.topology;

import java.util.ArrayList;
import java.util.List;

import io.vilstream.encoder.topology.InvalidContentException.Reason;
import io.vilstream.model.image.ImageDecoder;
import io.vilstream.model.image.ImageRejectedException;
import io.vilstream.model.views.TrainingItem;
import io.vilstream.schemas.avro.Caption;
import io.vilstream.schemas.avro.ContentEvent;
import io.vilstream.schemas.avro.ImageRendition;

/**
 * Checks a decoded content event against the configured limits and decodes its images, so
 * everything that reaches the towers is usable. Image limits are checked on the bytes and on the
 * header's declared dimensions before any pixel is decoded (decompression bombs). Stateless and
 * thread-safe.
 */
public final class ContentValidator {

    /**
     * A valid event and its decoded first rendition ({@code [3 × S × S]}, the encoded view); the
     * other renditions passed the limits and a header check, their pixels were not decoded.
     */
    public record ValidContent(ContentEvent event, List<float[]> images) {
    }

    private final Limits limits;
    private final ImageDecoder decoder;

    public ContentValidator(Limits limits, int imageSize) {
        this.limits = limits;
        this.decoder = new ImageDecoder(imageSize, new ImageDecoder.Limits(limits.maxImageBytes(), limits.maxImagePixels()));
    }

    public ValidContent validate(String key, ContentEvent e) throws InvalidContentException {
        if (e == null) {
            throw new InvalidContentException(Reason.NULL_VALUE,
                    "a null value (tombstone) is not a content event; deleting content is not supported");
        }
        // checked before the key: an empty key matches an empty id, and an empty id is no content's
        // id (the topic is compacted by it; the retriever and the trainer index by it)
        if (e.getId().isBlank()) {
            throw new InvalidContentException(Reason.EMPTY_ID, "the content id is empty or blank");
        }
        if (key != null && !key.equals(e.getId())) {
            throw new InvalidContentException(Reason.KEY_MISMATCH, "record key '" + key + "' differs from content id '" + e.getId() + "'");
        }
        List<Caption> captions = e.getCaptions();
        if (captions == null || captions.isEmpty()) {
            throw new InvalidContentException(Reason.NO_CAPTION, "content " + e.getId() + " has no caption");
        }
        if (captions.size() > limits.maxCaptions()) {
            throw new InvalidContentException(Reason.TOO_MANY_CAPTIONS, "content " + e.getId() + " has " + captions.size()
                    + " captions, limit " + limits.maxCaptions());
        }
        for (int i = 0; i < captions.size(); i++) {
            String t = captions.get(i).getText();
            if (t.length() > limits.maxCaptionChars()) {
                throw new InvalidContentException(Reason.CAPTION_TOO_LONG, "caption " + i + " of " + e.getId() + " has "
                        + t.length() + " characters, limit " + limits.maxCaptionChars());
            }
            // Avro decodes malformed UTF-8 to U+FFFD instead of failing: treat it as the error it is
            if (t.indexOf('\uFFFD') >= 0) {
                throw new InvalidContentException(Reason.INVALID_UTF8, "caption " + i + " of " + e.getId()
                        + " is not valid UTF-8 (it decodes to replacement characters)");
            }
        }
        if (captions.get(0).getText().isBlank()) {
            throw new InvalidContentException(Reason.EMPTY_CAPTION, "the primary caption of " + e.getId() + " is empty");
        }
        if (e.getTags() != null && e.getTags().size() > limits.maxTags()) {
            throw new InvalidContentException(Reason.TOO_MANY_TAGS, "content " + e.getId() + " has " + e.getTags().size()
                    + " tags, limit " + limits.maxTags());
        }
        List<ImageRendition> renditions = e.getImages();
        if (renditions == null || renditions.isEmpty()) {
            throw new InvalidContentException(Reason.NO_IMAGE, "content " + e.getId() + " has no image");
        }
        if (renditions.size() > limits.maxImages()) {
            throw new InvalidContentException(Reason.TOO_MANY_IMAGES, "content " + e.getId() + " has " + renditions.size()
                    + " images, limit " + limits.maxImages());
        }
        List<float[]> images = new ArrayList<>(1);
        for (int i = 0; i < renditions.size(); i++) {
            try {
                byte[] bytes = TrainingItem.bytes(renditions.get(i).getData());
                if (i == 0) {
                    images.add(decoder.decode(bytes)); // the rendition that is encoded
                } else {
                    decoder.check(bytes); // passed on (the trainer's views): limits and header only
                }
            } catch (ImageRejectedException ex) {
                throw new InvalidContentException(imageReason(ex.reason()), "image " + i + " of " + e.getId() + ": "
                        + ex.getMessage(), ex);
            }
        }
        return new ValidContent(e, images);
    }

    static Reason imageReason(ImageRejectedException.Reason r) {
        return switch (r) {
            case EMPTY -> Reason.EMPTY_IMAGE;
            case TOO_MANY_BYTES -> Reason.IMAGE_TOO_LARGE;
            case TOO_MANY_PIXELS -> Reason.IMAGE_TOO_MANY_PIXELS;
            case NOT_AN_IMAGE -> Reason.NOT_AN_IMAGE;
            case UNDECODABLE -> Reason.UNDECODABLE_IMAGE;
        };
    }

    /** Input limits (configuration). */
    public record Limits(int maxImages, int maxImageBytes, long maxImagePixels, int maxCaptions, int maxCaptionChars,
                         int maxTags) {

        public static Limits defaults() {
            return new Limits(8, 1 << 20, 4096L * 4096L, 32, 1000, 64);
        }
    }
}
