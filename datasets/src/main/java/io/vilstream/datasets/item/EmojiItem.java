package io.vilstream.datasets.item;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One emoji of the dataset: the unit of content, of splitting and of retrieval. All its
 * renditions are views of the same item, so they always land in the same split.
 *
 * @param id         the unified code point sequence, lower-case hex joined by '-' exactly as
 *                   emoji-datasource spells it (FE0F kept where it does): {@code 1f600},
 *                   {@code 2764-fe0f}, {@code 1f1ef-1f1f5}; the content id and record key
 * @param emoji      the emoji itself as a string, for display
 * @param name       the CLDR short name from emojibase ("smiling cat with heart-eyes"); unique
 *                   in the set and the primary caption, i.e. the retrieval ground truth
 * @param textForms  further texts (Unicode name, short codes), deduplicated, none equal to the name
 * @param keywords   the CLDR keywords from emojibase: the producer tags (89 emoji share an
 *                   identical keyword set, which is why they are not the ground truth)
 * @param group      the emoji.json category ("Smileys &amp; Emotion")
 * @param subgroup   the emoji.json subcategory ("cat-face")
 * @param renditions the drawings in {@link Vendor} order: Google, then Twitter
 */
public record EmojiItem(
        String id,
        String emoji,
        String name,
        List<TextForm> textForms,
        List<String> keywords,
        String group,
        String subgroup,
        List<Rendition> renditions) {

    public EmojiItem {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(emoji, "emoji");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(subgroup, "subgroup");
        textForms = List.copyOf(textForms);
        keywords = List.copyOf(keywords);
        renditions = List.copyOf(renditions);
        if (renditions.isEmpty()) {
            throw new IllegalArgumentException("emoji " + id + " has no rendition");
        }
        for (int i = 1; i < renditions.size(); i++) {
            if (renditions.get(i - 1).vendor().compareTo(renditions.get(i).vendor()) >= 0) {
                throw new IllegalArgumentException("emoji " + id
                        + ": renditions must be in vendor order without repeats, got " + renditions);
            }
        }
    }

    public Optional<Rendition> rendition(Vendor vendor) {
        return renditions.stream().filter(r -> r.vendor() == vendor).findFirst();
    }
}
