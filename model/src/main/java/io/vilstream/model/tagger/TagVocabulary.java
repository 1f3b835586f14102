package io.vilstream.model.tagger;

import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Collectors;

import io.vilstream.model.text.TextNormalizer;

/**
 * The tagger's label set: tags learned from producers' tags (for emoji, the train-split
 * keywords), normalised like text. Fixed for the life of a model lineage and stored in its
 * checkpoints; tags outside it are ignored by the tagger loss (they still reach the text
 * tower through the T_tag view).
 */
public final class TagVocabulary {

    private final List<String> tags;
    private final Map<String, Integer> index;

    public TagVocabulary(List<String> tags) {
        this.tags = List.copyOf(tags);
        this.index = new HashMap<>();
        for (int i = 0; i < this.tags.size(); i++) {
            if (index.putIfAbsent(this.tags.get(i), i) != null) {
                throw new IllegalArgumentException("duplicate tag in vocabulary: " + this.tags.get(i));
            }
        }
    }

    /**
     * The tags seen at least {@code minCount} times, most frequent first (ties alphabetical,
     * so the vocabulary is deterministic), at most {@code maxSize}.
     */
    public static TagVocabulary build(Collection<? extends Collection<String>> tagLists, int minCount, int maxSize) {
        Map<String, Long> counts = tagLists.stream()
                .flatMap(list -> list.stream().map(TagVocabulary::normalize).distinct())
                .filter(t -> !t.isEmpty())
                .collect(Collectors.groupingBy(t -> t, Collectors.counting()));
        List<String> tags = counts.entrySet().stream()
                .filter(e -> e.getValue() >= minCount)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(maxSize)
                .map(Map.Entry::getKey)
                .sorted(Comparator.naturalOrder())
                .toList();
        return new TagVocabulary(tags);
    }

    public static String normalize(String tag) {
        return String.join(" ", TextNormalizer.words(tag));
    }

    public List<String> tags() {
        return tags;
    }

    public int size() {
        return tags.size();
    }

    public String tag(int i) {
        return tags.get(i);
    }

    public OptionalInt indexOf(String tag) {
        Integer i = index.get(normalize(tag));
        return i == null ? OptionalInt.empty() : OptionalInt.of(i);
    }

    /** A multi-hot target row for the tagger loss. */
    public float[] multiHot(Collection<String> itemTags) {
        float[] row = new float[Math.max(1, tags.size())];
        for (String t : itemTags) {
            indexOf(t).ifPresent(i -> row[i] = 1f);
        }
        return row;
    }
}
