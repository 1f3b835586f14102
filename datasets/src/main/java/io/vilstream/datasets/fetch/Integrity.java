package io.vilstream.datasets.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Checks a downloaded tarball against its pinned integrity (an SRI sha512 string, the format
 * npm publishes), so that a changed or tampered package is never extracted.
 */
public final class Integrity {

    public static final String SHA512_PREFIX = "sha512-";

    private Integrity() {
    }

    /** The SRI string of a file: "sha512-" + base64(SHA-512(bytes)). */
    public static String sha512Of(Path file) throws IOException {
        MessageDigest digest = sha512();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return SHA512_PREFIX + Base64.getEncoder().encodeToString(digest.digest());
    }

    /**
     * @throws IntegrityMismatchException naming the package and both hashes when they differ
     */
    public static void verify(PinnedPackage pkg, Path tarball) throws IOException {
        String actual = sha512Of(tarball);
        if (!MessageDigest.isEqual(decode(pkg.integrity()), decode(actual))) {
            throw new IntegrityMismatchException(pkg, actual);
        }
    }

    private static byte[] decode(String sri) {
        return Base64.getDecoder().decode(sri.substring(SHA512_PREFIX.length()).trim());
    }

    private static MessageDigest sha512() {
        try {
            return MessageDigest.getInstance("SHA-512");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-512", e);
        }
    }
}
