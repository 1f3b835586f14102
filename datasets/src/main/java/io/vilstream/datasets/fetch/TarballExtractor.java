package io.vilstream.datasets.fetch;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Copies selected entries out of an npm tarball (.tgz) and ignores the rest: the image
 * packages hold ≈ 70 MB of sheets and other sizes that the dataset never reads.
 *
 * <p>Targets come from the caller's map, never from entry names, so a crafted entry name
 * ("../../x") cannot write outside the cache.
 */
final class TarballExtractor {

    private TarballExtractor() {
    }

    /**
     * @param wanted package-relative paths (the part after npm's top folder, usually
     *               {@code package/}) mapped to the file each is written to
     * @return the wanted paths the tarball does not contain
     */
    static Set<String> extract(Path tarball, Map<String, Path> wanted) throws IOException {
        Set<String> missing = new HashSet<>(wanted.keySet());
        try (InputStream file = new BufferedInputStream(Files.newInputStream(tarball));
             TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(file))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null && !missing.isEmpty()) {
                if (!entry.isFile()) {
                    continue;
                }
                String relative = withoutTopFolder(entry.getName());
                Path target = wanted.get(relative);
                if (target != null && missing.remove(relative)) {
                    Files.createDirectories(target.getParent());
                    Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return missing;
    }

    private static String withoutTopFolder(String entryName) {
        int slash = entryName.indexOf('/');
        return slash < 0 ? entryName : entryName.substring(slash + 1);
    }
}
