package io.vilstream.datasets.fetch;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How the full emoji set is fetched.
 *
 * @param cacheDir   where the extracted set lives (see {@link io.vilstream.datasets.catalog.CacheLayout})
 * @param npmCommand the npm executable; a path or a name looked up on the PATH
 * @param packages   the pinned packages; {@link EmojiPackages#PINNED} except in tests
 * @param npmTimeout the longest one {@code npm pack} may take (the largest tarball is ≈ 75 MB)
 */
public record FetchSettings(Path cacheDir, String npmCommand, EmojiPackages packages, Duration npmTimeout) {

    public static final String DEFAULT_NPM = "npm";
    public static final Duration DEFAULT_NPM_TIMEOUT = Duration.ofMinutes(10);

    public FetchSettings {
        Objects.requireNonNull(cacheDir, "cacheDir");
        Objects.requireNonNull(npmCommand, "npmCommand");
        Objects.requireNonNull(packages, "packages");
        Objects.requireNonNull(npmTimeout, "npmTimeout");
        if (npmTimeout.isNegative() || npmTimeout.isZero()) {
            throw new IllegalArgumentException("npmTimeout must be positive, got " + npmTimeout);
        }
    }

    /** npm from the PATH, the pinned packages, a 10-minute timeout per package. */
    public static FetchSettings defaults(Path cacheDir) {
        return new FetchSettings(cacheDir, DEFAULT_NPM, EmojiPackages.PINNED, DEFAULT_NPM_TIMEOUT);
    }

    public FetchSettings withNpmCommand(String command) {
        return new FetchSettings(cacheDir, command, packages, npmTimeout);
    }

    public FetchSettings withPackages(EmojiPackages pins) {
        return new FetchSettings(cacheDir, npmCommand, pins, npmTimeout);
    }

    public FetchSettings withNpmTimeout(Duration timeout) {
        return new FetchSettings(cacheDir, npmCommand, packages, timeout);
    }
}
