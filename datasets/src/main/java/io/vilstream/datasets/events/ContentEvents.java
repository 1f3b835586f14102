package io.vilstream.datasets.events;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.vilstream.datasets.item.EmojiItem;
import io.vilstream.datasets.item.Rendition;
import io.vilstream.datasets.item.TextForm;
import io.vilstream.datasets.split.Split;
import io.vilstream.schemas.avro.Caption;
import io.vilstream.schemas.avro.ContentEvent;
import io.vilstream.schemas.avro.ImageRendition;

/**
 * Maps an {@link EmojiItem} to the {@link ContentEvent} a producer publishes on the content
 * topic: what every downstream service sees of the dataset.
 *
 * <ul>
 *   <li>id: the emoji id (also the record key);</li>
 *   <li>images: the renditions in vendor order (Google, then Twitter), original PNG bytes,
 *       media type image/png, source = the vendor;</li>
 *   <li>captions: the CLDR name first (kind {@code name}: the primary caption, the retrieval
 *       ground truth), then the other text forms (kinds {@code unicode_name}, {@code shortcode});</li>
 *   <li>tags: the keywords; locale {@code en};</li>
 *   <li>attributes: {@code dataset}, {@code group}, {@code subgroup}, {@code split} (informational:
 *       consumers recompute {@code Split.of(id)}), {@code emoji}, and {@code licence}
 *       (vendor=SPDX pairs, because the Twitter images require attribution).</li>
 * </ul>
 */
public final class ContentEvents {

    public static final String DATASET = "emoji";
    public static final String LOCALE = "en";
    public static final String NAME_KIND = "name";

    private ContentEvents() {
    }

    public static ContentEvent from(EmojiItem item, Instant eventTime) {
        List<ImageRendition> images = new ArrayList<>();
        for (Rendition rendition : item.renditions()) {
            images.add(ImageRendition.newBuilder()
                    .setData(rendition.pngBuffer())
                    .setMediaType(Rendition.MEDIA_TYPE)
                    .setSource(rendition.vendor().id())
                    .build());
        }
        List<Caption> captions = new ArrayList<>();
        captions.add(caption(item.name(), NAME_KIND));
        for (TextForm form : item.textForms()) {
            captions.add(caption(form.text(), form.kind().captionKind()));
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("dataset", DATASET);
        attributes.put("group", item.group());
        attributes.put("subgroup", item.subgroup());
        attributes.put("split", Split.of(item.id()).id());
        attributes.put("emoji", item.emoji());
        attributes.put("licence", item.renditions().stream()
                .map(r -> r.vendor().id() + "=" + r.vendor().licence())
                .collect(Collectors.joining(",")));
        return ContentEvent.newBuilder()
                .setId(item.id())
                .setImages(images)
                .setCaptions(captions)
                .setTags(new ArrayList<>(item.keywords()))
                .setLocale(LOCALE)
                .setAttributes(attributes)
                .setEventTime(eventTime)
                .build();
    }

    private static Caption caption(String text, String kind) {
        // locale stays null: the captions are in the event's locale
        return Caption.newBuilder().setText(text).setKind(kind).setLocale(null).build();
    }
}
