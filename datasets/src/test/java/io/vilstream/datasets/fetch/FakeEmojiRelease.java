package io.vilstream.datasets.fetch;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * A miniature emoji release for fetcher tests: four small tarballs laid out like the real npm
 * packages, their pins, and a fake {@code npm} script that "packs" them by copying, so the whole
 * fetch path runs without the network.
 *
 * <p>Contents: three base emoji (1F600, 2764-FE0F, 1F44D), a skin-tone variant of 1F44D that is
 * only nested in emoji.json, and 1FAE9, which lacks a Twitter image and so is not a base emoji.
 */
final class FakeEmojiRelease {

    static final List<String> BASE_IDS = List.of("1f600", "2764-fe0f", "1f44d");

    final Path dir;
    final EmojiPackages pins;
    final Path npm;
    final Path calls;

    private FakeEmojiRelease(Path dir, EmojiPackages pins, Path npm, Path calls) {
        this.dir = dir;
        this.pins = pins;
        this.npm = npm;
        this.calls = calls;
    }

    static FakeEmojiRelease create(Path dir) throws IOException {
        Files.createDirectories(dir);
        PinnedPackage datasource = write(dir, "emoji-datasource", "16.0.0", Map.of(
                "package/emoji.json", EMOJI_JSON.getBytes(StandardCharsets.UTF_8),
                "package/img/google/sheets/64.png", png(Color.GRAY)));
        PinnedPackage emojibase = write(dir, "emojibase-data", "17.0.0", Map.of(
                "package/en/data.json", EMOJIBASE_JSON.getBytes(StandardCharsets.UTF_8),
                "package/en/shortcodes/github.json", "{\"1F600\":\"grinning\",\"2764\":\"heart\"}".getBytes(StandardCharsets.UTF_8),
                "package/en/shortcodes/emojibase.json", "{\"1F600\":[\"grinning\",\"grinning_face\"],\"1F44D\":[\"+1\",\"thumbsup\"]}".getBytes(StandardCharsets.UTF_8),
                "package/en/shortcodes/cldr.json", "{\"1F600\":\"grinning_face\",\"2764\":\"red_heart\",\"1F44D\":\"thumbs_up\"}".getBytes(StandardCharsets.UTF_8),
                "package/en/data.json.d.ts", "ignored".getBytes(StandardCharsets.UTF_8)));
        PinnedPackage google = write(dir, "emoji-datasource-google", "16.0.0", images("google", Color.RED, true));
        PinnedPackage twitter = write(dir, "emoji-datasource-twitter", "16.0.0", images("twitter", Color.BLUE, false));

        Path calls = dir.resolve("npm-calls.log");
        Path npm = dir.resolve("npm");
        // the fetcher calls: npm pack SPEC --pack-destination DIR ...
        Files.writeString(npm, "#!/bin/sh\n"
                + "echo \"$2\" >> '" + calls + "'\n"
                + "cp '" + dir + "'/\"$2\".tgz \"$4\"/ || exit 3\n");
        Files.setPosixFilePermissions(npm, PosixFilePermissions.fromString("rwxr-xr-x"));
        return new FakeEmojiRelease(dir, new EmojiPackages(datasource, google, twitter, emojibase), npm, calls);
    }

    /** A script that fails like npm does without network. */
    static Path failingNpm(Path dir) throws IOException {
        Path npm = dir.resolve("npm-offline");
        Files.writeString(npm, "#!/bin/sh\n"
                + "echo 'npm error code ENOTFOUND' >&2\n"
                + "echo 'npm error network request failed, reason: getaddrinfo ENOTFOUND' >&2\n"
                + "exit 1\n");
        Files.setPosixFilePermissions(npm, PosixFilePermissions.fromString("rwxr-xr-x"));
        return npm;
    }

    int npmCalls() throws IOException {
        return Files.exists(calls) ? Files.readAllLines(calls).size() : 0;
    }

    private static Map<String, byte[]> images(String vendor, Color color, boolean withUnusedExtras) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String id : BASE_IDS) {
            files.put("package/img/" + vendor + "/64/" + id + ".png", png(color));
        }
        files.put("package/img/" + vendor + "/64/1f44d-1f3fb.png", png(Color.ORANGE));
        files.put("package/img/" + vendor + "/32/1f600.png", png(Color.BLACK));
        if (withUnusedExtras) {
            files.put("package/img/" + vendor + "/64/1fae9.png", png(Color.GREEN));
        }
        return files;
    }

    static byte[] png(Color color) throws IOException {
        BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        g.setColor(color);
        g.fillOval(4, 4, 56, 56);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    /** Writes NAME@VERSION.tgz and returns its pin with the true integrity. */
    static PinnedPackage write(Path dir, String name, String version, Map<String, byte[]> files) throws IOException {
        Path tarball = dir.resolve(name + "@" + version + ".tgz");
        try (OutputStream file = Files.newOutputStream(tarball);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(file))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Map.Entry<String, byte[]> entry : files.entrySet()) {
                TarArchiveEntry tarEntry = new TarArchiveEntry(entry.getKey());
                tarEntry.setSize(entry.getValue().length);
                tar.putArchiveEntry(tarEntry);
                tar.write(entry.getValue());
                tar.closeArchiveEntry();
            }
        }
        return new PinnedPackage(name, version, Integrity.sha512Of(tarball));
    }

    private static final String EMOJI_JSON = """
            [
              {"name": "HEAVY BLACK HEART", "unified": "2764-FE0F", "image": "2764-fe0f.png",
               "short_name": "heart", "short_names": ["heart"], "category": "Smileys & Emotion",
               "subcategory": "heart", "sort_order": 2, "has_img_google": true, "has_img_twitter": true},
              {"name": "GRINNING FACE", "unified": "1F600", "image": "1f600.png",
               "short_name": "grinning", "short_names": ["grinning"], "category": "Smileys & Emotion",
               "subcategory": "face-smiling", "sort_order": 1, "has_img_google": true, "has_img_twitter": true},
              {"name": "THUMBS UP SIGN", "unified": "1F44D", "image": "1f44d.png",
               "short_name": "+1", "short_names": ["+1", "thumbsup"], "category": "People & Body",
               "subcategory": "hand-fingers-closed", "sort_order": 3, "has_img_google": true, "has_img_twitter": true,
               "skin_variations": {"1F3FB": {"unified": "1F44D-1F3FB", "image": "1f44d-1f3fb.png",
                                            "has_img_google": true, "has_img_twitter": true}}},
              {"name": "FACE WITH BAGS UNDER EYES", "unified": "1FAE9", "image": "1fae9.png",
               "short_name": "tired", "short_names": ["tired"], "category": "Smileys & Emotion",
               "subcategory": "face-sleepy", "sort_order": 4, "has_img_google": true, "has_img_twitter": false}
            ]
            """;

    private static final String EMOJIBASE_JSON = """
            [
              {"label": "grinning face", "hexcode": "1F600", "tags": ["face", "grin", "happy"]},
              {"label": "red heart", "hexcode": "2764", "tags": ["heart", "love", "red"]},
              {"label": "thumbs up", "hexcode": "1F44D", "tags": ["+1", "hand", "thumb", "up"]},
              {"label": "face with bags under eyes", "hexcode": "1FAE9", "tags": ["tired"]}
            ]
            """;
}
