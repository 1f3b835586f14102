package io.vilstream.datasets.catalog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vilstream.datasets.DatasetUnavailableException;
import io.vilstream.datasets.item.EmojiItem;
import io.vilstream.datasets.item.Rendition;
import io.vilstream.datasets.item.TextForm;
import io.vilstream.datasets.item.Vendor;

/**
 * Turns the upstream files of a {@link CacheLayout} into {@link EmojiItem}s: emoji.json gives
 * the set, the Unicode names, short names, categories and image files; emojibase gives the
 * CLDR names, keywords and further short codes.
 *
 * <p>The base set (1,911 emoji for emoji-datasource 16.0.0) is every top-level entry of
 * emoji.json that has both a Google and a Twitter image. Skin-tone variants are not top-level
 * entries (they sit under {@code skin_variations}) and are therefore never part of it; the five
 * skin-tone swatches of the "Component" category are, since they are emoji with images of
 * their own. Emojibase entries are joined on the hex code with every FE0F removed, because
 * emoji-datasource keeps the variation selector where emojibase drops it ("2764-FE0F" vs "2764").
 */
public final class EmojiCatalog {

    /** The emojibase short code sets read as extra text forms, in the order they are listed. */
    public static final List<String> SHORTCODE_SETS = List.of("github", "emojibase", "cldr");

    private static final ObjectMapper JSON = new ObjectMapper();

    private EmojiCatalog() {
    }

    /** Whether a top-level emoji.json entry belongs to the base set. */
    public static boolean isBase(JsonNode entry) {
        return entry.path("has_img_google").asBoolean(false) && entry.path("has_img_twitter").asBoolean(false);
    }

    /** The image file names of the base set: what the fetcher extracts from each vendor's tarball. */
    public static Set<String> baseImageFiles(Path emojiJson) throws IOException {
        Set<String> files = new LinkedHashSet<>();
        for (JsonNode entry : JSON.readTree(emojiJson.toFile())) {
            if (isBase(entry)) {
                files.add(entry.path("image").asText());
            }
        }
        return files;
    }

    /**
     * Reads the whole base set with its PNGs, in emoji.json's sort order.
     *
     * @throws DatasetUnavailableException when a file is missing or unreadable (a damaged cache)
     */
    public static List<EmojiItem> read(CacheLayout layout) {
        try {
            return readOrThrow(layout);
        } catch (IOException e) {
            throw new DatasetUnavailableException("The cached emoji set at " + layout.root()
                    + " is unreadable (" + e + "). Delete that folder to fetch it again. "
                    + DatasetUnavailableException.FIXTURE_HINT, e);
        }
    }

    private static List<EmojiItem> readOrThrow(CacheLayout layout) throws IOException {
        Map<String, JsonNode> emojibase = new HashMap<>();
        for (JsonNode entry : JSON.readTree(layout.emojibaseData().toFile())) {
            emojibase.put(joinKey(entry.path("hexcode").asText()), entry);
        }
        List<Map<String, JsonNode>> shortcodeSets = new ArrayList<>();
        for (String set : SHORTCODE_SETS) {
            Map<String, JsonNode> bySet = new HashMap<>();
            JSON.readTree(layout.shortcodes(set).toFile()).properties()
                    .forEach(field -> bySet.put(joinKey(field.getKey()), field.getValue()));
            shortcodeSets.add(bySet);
        }

        List<JsonNode> entries = new ArrayList<>();
        JSON.readTree(layout.emojiJson().toFile()).forEach(entries::add);
        entries.sort(Comparator.comparingInt(entry -> entry.path("sort_order").asInt()));

        Map<String, EmojiItem> items = new LinkedHashMap<>();
        for (JsonNode entry : entries) {
            if (!isBase(entry)) {
                continue;
            }
            String unified = entry.path("unified").asText();
            JsonNode cldr = emojibase.get(joinKey(unified));
            if (cldr == null) {
                throw new IOException("emojibase has no entry for " + unified);
            }
            List<String> shortcodes = new ArrayList<>();
            entry.path("short_names").forEach(code -> shortcodes.add(code.asText()));
            for (Map<String, JsonNode> set : shortcodeSets) {
                JsonNode codes = set.get(joinKey(unified));
                if (codes != null && codes.isArray()) {
                    codes.forEach(code -> shortcodes.add(code.asText()));
                } else if (codes != null) {
                    shortcodes.add(codes.asText());
                }
            }
            List<String> keywords = new ArrayList<>();
            cldr.path("tags").forEach(tag -> keywords.add(tag.asText()));

            String imageFile = entry.path("image").asText();
            List<Rendition> renditions = new ArrayList<>();
            for (Vendor vendor : Vendor.values()) {
                renditions.add(new Rendition(vendor, Files.readAllBytes(layout.image(vendor, imageFile))));
            }
            String name = cldr.path("label").asText();
            EmojiItem item = new EmojiItem(
                    unified.toLowerCase(Locale.ROOT),
                    emojiOf(unified),
                    name,
                    textForms(name, entry.path("name").asText(), shortcodes),
                    keywords.stream().distinct().toList(),
                    entry.path("category").asText(),
                    entry.path("subcategory").asText(),
                    renditions);
            if (items.put(item.id(), item) != null) {
                throw new IOException("emoji.json lists " + unified + " twice");
            }
        }
        return List.copyOf(items.values());
    }

    /**
     * The extra texts of an emoji: its Unicode name lower-cased, then its short codes with '_'
     * read as a space, without repeats and without any text equal to the name (ignoring case and
     * '-' versus ' ', so "heart eyes" is a repeat of "heart-eyes").
     */
    static List<TextForm> textForms(String name, String unicodeName, List<String> shortcodes) {
        Set<String> seen = new LinkedHashSet<>();
        seen.add(key(name));
        List<TextForm> forms = new ArrayList<>();
        String unicode = tidy(unicodeName.toLowerCase(Locale.ROOT));
        if (!unicode.isEmpty() && seen.add(key(unicode))) {
            forms.add(new TextForm(unicode, TextForm.Kind.UNICODE_NAME));
        }
        for (String code : shortcodes) {
            String text = tidy(code.replace('_', ' '));
            if (!text.isEmpty() && seen.add(key(text))) {
                forms.add(new TextForm(text, TextForm.Kind.SHORTCODE));
            }
        }
        return forms;
    }

    /** The key emoji-datasource and emojibase agree on: upper-case hex, FE0F removed. */
    static String joinKey(String hexcode) {
        StringBuilder key = new StringBuilder();
        for (String part : hexcode.toUpperCase(Locale.ROOT).split("-")) {
            if (!part.equals("FE0F")) {
                key.append(key.isEmpty() ? "" : "-").append(part);
            }
        }
        return key.toString();
    }

    private static String emojiOf(String unified) {
        StringBuilder text = new StringBuilder();
        for (String part : unified.split("-")) {
            text.appendCodePoint(Integer.parseInt(part, 16));
        }
        return text.toString();
    }

    private static String tidy(String text) {
        return text.trim().replaceAll("\\s+", " ");
    }

    /** Texts that differ only in case or in '-' versus ' ' ("flag-jp", "flag jp") count as one. */
    private static String key(String text) {
        return tidy(text.replace('-', ' ')).toLowerCase(Locale.ROOT);
    }
}
