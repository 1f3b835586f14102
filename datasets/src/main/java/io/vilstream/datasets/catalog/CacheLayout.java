package io.vilstream.datasets.catalog;

import java.nio.file.Path;
import java.util.List;

import io.vilstream.datasets.item.Vendor;

/**
 * Where the extracted full emoji set lives on disk: the fetcher writes this layout, the
 * catalog reads it. Only the files the dataset needs are kept (a few JSON files and the 64px
 * PNGs of the base emoji, ≈ 40 MB), never the tarballs.
 *
 * <p>The default root is {@code $VILSTREAM_CACHE_DIR/emoji-16.0.0}, or
 * {@code ~/.cache/vilstream/emoji-16.0.0} when that variable is unset; the system property
 * {@code vilstream.cache.dir} overrides the variable (handy in tests and IDE run configs).
 */
public record CacheLayout(Path root) {

    /** Folder name under the data dir; names the pinned release so that pins can change side by side. */
    public static final String DEFAULT_FOLDER = "emoji-16.0.0";
    public static final String CACHE_DIR_PROPERTY = "vilstream.cache.dir";
    public static final String CACHE_DIR_ENV = "VILSTREAM_CACHE_DIR";

    public CacheLayout {
        root = root.toAbsolutePath().normalize();
    }

    /** The data dir shared by all vilstream datasets (property, then env, then ~/.cache/vilstream). */
    public static Path defaultDataDir() {
        String configured = System.getProperty(CACHE_DIR_PROPERTY);
        if (configured == null || configured.isBlank()) {
            configured = System.getenv(CACHE_DIR_ENV);
        }
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "vilstream");
    }

    public static CacheLayout defaultLayout() {
        return new CacheLayout(defaultDataDir().resolve(DEFAULT_FOLDER));
    }

    public Path emojiJson() {
        return root.resolve("emoji-datasource").resolve("emoji.json");
    }

    public Path emojibaseData() {
        return emojibaseDir().resolve("data.json");
    }

    /** One of emojibase's short code sets ({@code github}, {@code emojibase}, {@code cldr}, …). */
    public Path shortcodes(String set) {
        return emojibaseDir().resolve("shortcodes").resolve(set + ".json");
    }

    public Path imageDir(Vendor vendor) {
        return root.resolve("img").resolve(vendor.id()).resolve("64");
    }

    public Path image(Vendor vendor, String fileName) {
        return imageDir(vendor).resolve(fileName);
    }

    /** Written last by the fetcher: its presence (with the expected pins inside) means complete. */
    public Path completionMarker() {
        return root.resolve("COMPLETE");
    }

    public Path lockFile() {
        return root.resolve(".lock");
    }

    /** The folders the fetcher owns and may clear before fetching again; nothing else is deleted. */
    public List<Path> ownedFolders() {
        return List.of(root.resolve("emoji-datasource"), root.resolve("emojibase-data"), root.resolve("img"));
    }

    private Path emojibaseDir() {
        return root.resolve("emojibase-data").resolve("en");
    }
}
