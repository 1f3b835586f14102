package io.vilstream.datasets;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.vilstream.datasets.catalog.CacheLayout;
import io.vilstream.datasets.catalog.EmojiCatalog;
import io.vilstream.datasets.fetch.EmojiSetFetcher;
import io.vilstream.datasets.fetch.FetchSettings;
import io.vilstream.datasets.fixture.FixtureReader;
import io.vilstream.datasets.item.EmojiItem;
import io.vilstream.datasets.split.Split;

/**
 * The emoji image–text dataset as the model, trainer, evaluators and the CLI's producer see
 * it: an immutable list of {@link EmojiItem}s, split by {@link Split#of(String)}.
 *
 * <ul>
 *   <li>{@link #fixture()}: ≈ 32 emoji committed in the jar; offline, instant; for tests and demos.</li>
 *   <li>{@link #full(Path)}: the 1,911 base emoji, fetched once with npm into a cache dir
 *       ({@link #defaultCacheDir()}) and verified; needs npm and the registry only the first time.</li>
 *   <li>{@link #fullOrFixture(Path, Consumer)}: the full set, or the fixture with a notice when
 *       the full set cannot be had: for demos that must run anywhere.</li>
 * </ul>
 */
public final class EmojiDataset {

    private static final Logger LOG = LoggerFactory.getLogger(EmojiDataset.class);

    /** Which data a command runs on ({@code --dataset fixture|emoji}). */
    public enum Source {
        /** The committed fixture. */
        FIXTURE("fixture"),
        /** The full set of 1,911 base emoji. */
        EMOJI("emoji");

        private final String id;

        Source(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        /** Parses "fixture" or "emoji" (also "full"), case-insensitively, with a message naming both. */
        public static Source parse(String text) {
            String key = text.trim().toLowerCase(Locale.ROOT);
            if (key.equals("full")) {
                return EMOJI;
            }
            return Arrays.stream(values()).filter(s -> s.id.equals(key)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(
                            "unknown dataset '" + text + "', expected fixture or emoji"));
        }
    }

    private final Source source;
    private final List<EmojiItem> items;
    private final Map<String, EmojiItem> byId;

    private EmojiDataset(Source source, List<EmojiItem> items) {
        this.source = source;
        this.items = List.copyOf(items);
        Map<String, EmojiItem> index = new LinkedHashMap<>();
        for (EmojiItem item : this.items) {
            if (index.put(item.id(), item) != null) {
                throw new IllegalArgumentException("duplicate emoji id " + item.id());
            }
        }
        this.byId = index;
    }

    /** The committed fixture, from the classpath. */
    public static EmojiDataset fixture() {
        return new EmojiDataset(Source.FIXTURE, FixtureReader.read());
    }

    /**
     * The full set from {@code cacheDir}, fetched there first when it is not complete.
     *
     * @throws DatasetUnavailableException when it is not cached and cannot be fetched
     */
    public static EmojiDataset full(Path cacheDir) {
        return full(new EmojiSetFetcher(FetchSettings.defaults(cacheDir)));
    }

    /** {@link #full(Path)} in {@link #defaultCacheDir()}. */
    public static EmojiDataset full() {
        return full(defaultCacheDir());
    }

    /** The full set through a configured fetcher (another npm, other pins, a timeout). */
    public static EmojiDataset full(EmojiSetFetcher fetcher) {
        CacheLayout layout = fetcher.fetch();
        return new EmojiDataset(Source.EMOJI, EmojiCatalog.read(layout));
    }

    /** The dataset a {@link Source} names; {@code cacheDir} matters only for {@link Source#EMOJI}. */
    public static EmojiDataset load(Source source, Path cacheDir) {
        return switch (source) {
            case FIXTURE -> fixture();
            case EMOJI -> full(cacheDir);
        };
    }

    /**
     * The full set, or — when it is neither cached nor fetchable — the fixture, after passing a
     * one-paragraph notice (what failed, that the fixture is used instead) to {@code notices}
     * and logging it as a warning. Check {@link #source()} to learn which one was returned.
     */
    public static EmojiDataset fullOrFixture(Path cacheDir, Consumer<String> notices) {
        return fullOrFixture(new EmojiSetFetcher(FetchSettings.defaults(cacheDir)), notices);
    }

    /** {@link #fullOrFixture(Path, Consumer)} through a configured fetcher. */
    public static EmojiDataset fullOrFixture(EmojiSetFetcher fetcher, Consumer<String> notices) {
        try {
            return full(fetcher);
        } catch (DatasetUnavailableException e) {
            EmojiDataset fixture = fixture();
            String notice = "Using the " + fixture.size() + "-emoji fixture instead of the full emoji set: "
                    + e.getMessage();
            LOG.warn(notice);
            notices.accept(notice);
            return fixture;
        }
    }

    /**
     * Where the full set is cached unless told otherwise:
     * {@code ${vilstream.cache.dir | $VILSTREAM_CACHE_DIR | ~/.cache/vilstream}/emoji-16.0.0}.
     */
    public static Path defaultCacheDir() {
        return CacheLayout.defaultLayout().root();
    }

    public Source source() {
        return source;
    }

    /** All items: the fixture in its file's order, the full set in emoji.json's sort order. */
    public List<EmojiItem> items() {
        return items;
    }

    /** The items whose id {@link Split#of(String)} puts in {@code split}, in {@link #items()} order. */
    public List<EmojiItem> items(Split split) {
        return items.stream().filter(item -> Split.of(item.id()) == split).toList();
    }

    /** The item with this id (lower-case hex, e.g. {@code 1f600}, {@code 2764-fe0f}). */
    public Optional<EmojiItem> item(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    public int size() {
        return items.size();
    }

    /** Number of items per split, for logs and reports. */
    public Map<Split, Long> splitCounts() {
        return items.stream().collect(Collectors.groupingBy(item -> Split.of(item.id()),
                () -> new EnumMap<>(Split.class), Collectors.counting()));
    }

    @Override
    public String toString() {
        return "EmojiDataset[" + source.id() + ", " + items.size() + " items " + splitCounts() + "]";
    }
}
