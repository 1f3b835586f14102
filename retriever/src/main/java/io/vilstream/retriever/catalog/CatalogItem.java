package io.vilstream.retriever.catalog;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the retriever knows of one item's content, for lookups and for naming search results:
 * the primary caption (its name), the other captions, the producer's tags, the generated tags,
 * and the first image (absent when it was larger than the cache allows).
 *
 * @param name          the primary caption, or null when only generated tags are known so far
 * @param generatedTags tags of the object-tag view with their scores, best first
 * @param image         the first rendition's bytes, or null
 * @param mediaType     its media type, or null
 */
public record CatalogItem(String id, String name, List<Text> captions, List<String> tags,
                          List<ScoredTag> generatedTags, Long taggerVersion, Map<String, String> attributes,
                          byte[] image, String mediaType, Instant eventTime) {

    /** A caption other than the name, with its kind (unicode_name, shortcode, ...). */
    public record Text(String text, String kind) {
    }

    /** A generated tag. */
    public record ScoredTag(String tag, float score) {
    }

    public CatalogItem {
        captions = captions == null ? List.of() : List.copyOf(captions);
        tags = tags == null ? List.of() : List.copyOf(tags);
        generatedTags = generatedTags == null ? List.of() : List.copyOf(generatedTags);
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }

    /** An entry known only from its generated tags (the content event has not been read yet). */
    static CatalogItem tagsOnly(String id, List<ScoredTag> generated, long taggerVersion) {
        return new CatalogItem(id, null, List.of(), List.of(), generated, taggerVersion, Map.of(), null, null, null);
    }

    CatalogItem withGeneratedTags(List<ScoredTag> generated, long taggerVersion) {
        return new CatalogItem(id, name, captions, tags, generated, taggerVersion, attributes, image, mediaType, eventTime);
    }

    CatalogItem withoutGeneratedTags() {
        return new CatalogItem(id, name, captions, tags, List.of(), null, attributes, image, mediaType, eventTime);
    }

    /** The same content with the generated tags of {@code previous}. */
    CatalogItem keepingTagsOf(CatalogItem previous) {
        return previous == null ? this
                : new CatalogItem(id, name, captions, tags, previous.generatedTags, previous.taggerVersion, attributes,
                        image, mediaType, eventTime);
    }

    /** Approximate heap bytes, for the cache's byte bound. */
    long weight() {
        long w = 200L + id.length() * 2L + (name == null ? 0 : name.length() * 2L);
        for (Text t : captions) {
            w += 48 + t.text().length() * 2L;
        }
        for (String t : tags) {
            w += 40 + t.length() * 2L;
        }
        w += generatedTags.size() * 56L;
        for (Map.Entry<String, String> e : attributes.entrySet()) {
            w += 64 + (e.getKey().length() + e.getValue().length()) * 2L;
        }
        return w + (image == null ? 0 : image.length);
    }
}
