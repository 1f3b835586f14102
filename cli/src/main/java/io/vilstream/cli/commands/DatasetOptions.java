package io.vilstream.cli.commands;

import java.nio.file.Path;
import java.util.function.Consumer;

import io.vilstream.datasets.EmojiDataset;
import picocli.CommandLine.Option;

/**
 * {@code --dataset} and {@code --cache-dir}, for the commands that read the emoji items. Each
 * command says its default by constructing the mixin ({@code new DatasetOptions("fixture")}):
 * the field's initial value is the option's default, and what help prints as such.
 */
public final class DatasetOptions {

    @Option(names = "--dataset", description = "emoji (the full set, 1,911 items, fetched once) or fixture "
            + "(33 emoji, offline) (default ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--cache-dir", description = "Where the emoji set is cached (default: "
            + "${VILSTREAM_CACHE_DIR:-~/.cache/vilstream}/emoji-16.0.0).")
    Path cacheDir;

    /** picocli's: a command that does not construct the mixin gets the full set. */
    public DatasetOptions() {
        this("emoji");
    }

    public DatasetOptions(String defaultDataset) {
        this.dataset = defaultDataset;
    }

    public EmojiDataset.Source source() {
        return EmojiDataset.Source.parse(dataset);
    }

    /** The cache directory given, or the default one. */
    public Path cacheDir() {
        return cacheDir != null ? cacheDir : EmojiDataset.defaultCacheDir();
    }

    /** The dataset named; the full set is fetched into the cache directory once. */
    public EmojiDataset load() {
        return EmojiDataset.load(source(), cacheDir());
    }

    /** As {@link #load}, but the fixture, after a notice, when the full set can be neither read nor fetched. */
    public EmojiDataset loadOrFixture(Consumer<String> notices) {
        return source() == EmojiDataset.Source.FIXTURE ? EmojiDataset.fixture()
                : EmojiDataset.fullOrFixture(cacheDir(), notices);
    }
}
