package io.vilstream.datasets.fetch;

import java.util.List;
import java.util.Objects;

import io.vilstream.datasets.item.Vendor;

/**
 * The four npm packages the full emoji set is built from (docs/PLATFORM.md "Data", README "Data and licences"). {@link #PINNED}
 * is the set the dataset is defined by; another set is only for tests with fake tarballs.
 */
public record EmojiPackages(
        PinnedPackage datasource,
        PinnedPackage googleImages,
        PinnedPackage twitterImages,
        PinnedPackage emojibase) {

    /** Integrity strings as published (`npm view NAME@VERSION dist.integrity`), checked before use. */
    public static final EmojiPackages PINNED = new EmojiPackages(
            new PinnedPackage("emoji-datasource", "16.0.0",
                    "sha512-/qHKqK5Nr3+8zhgO6kHmF43Fm5C8HNn0AaFRIpgw8HF3+uF0Vfc8jgLI1ZQS5ba1vBzksS8NBCjHejwLb2D/Sg=="),
            new PinnedPackage("emoji-datasource-google", "16.0.0",
                    "sha512-ZRexfzs7MVoLnmzZmNsO4TKhnAJp5D++Vm6PpUpH/jEQQlemp3l88CjZ+DoZ2faM9R4QxZkOPJCoT8DlPhfQ3A=="),
            new PinnedPackage("emoji-datasource-twitter", "16.0.0",
                    "sha512-7F+uCuHH+7Qnrc15P5tnbvKkg9E6tlzi4MnT2uW1RlN4pLYTza6cP/dstIfSDMtpjFLWuZewWg8jBbuL2eyELQ=="),
            new PinnedPackage("emojibase-data", "17.0.0",
                    "sha512-Yvgb5AWoHViHV/gq1qr5ZAarcBip+B27/ZLRsUJkbgAEaLlZ/fof9g882LTpmEpyhBNEC0m2SEmItljHsTygjA=="));

    public EmojiPackages {
        Objects.requireNonNull(datasource, "datasource");
        Objects.requireNonNull(googleImages, "googleImages");
        Objects.requireNonNull(twitterImages, "twitterImages");
        Objects.requireNonNull(emojibase, "emojibase");
    }

    public PinnedPackage images(Vendor vendor) {
        return switch (vendor) {
            case GOOGLE -> googleImages;
            case TWITTER -> twitterImages;
        };
    }

    public List<PinnedPackage> all() {
        return List.of(datasource, emojibase, googleImages, twitterImages);
    }

    /**
     * The completion marker's content: a cache is reused only if it was completed for exactly
     * these pins, so changing a pin refetches instead of mixing releases.
     */
    public String markerText() {
        StringBuilder text = new StringBuilder();
        for (PinnedPackage pkg : all()) {
            text.append(pkg.spec()).append(' ').append(pkg.integrity()).append('\n');
        }
        return text.toString();
    }
}
