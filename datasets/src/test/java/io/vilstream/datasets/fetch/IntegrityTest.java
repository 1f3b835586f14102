package io.vilstream.datasets.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IntegrityTest {

    @TempDir
    Path temp;

    @Test
    void computesTheSriStringNpmPublishes() throws IOException {
        Path file = Files.writeString(temp.resolve("abc"), "abc");

        // printf abc | openssl dgst -sha512 -binary | base64
        assertThat(Integrity.sha512Of(file)).isEqualTo("sha512-3a81oZNherrMQXNJriBBMRLm+k6JqX6iCp7u5ktV05ohkpkqJ0/BqDa6PCOj/uu9RU1EI2Q86A4qmslPpUyknw==");
    }

    @Test
    void acceptsAMatchingTarballAndRefusesAnotherNamingBothHashes() throws IOException {
        Path file = Files.writeString(temp.resolve("pkg.tgz"), "abc");
        PinnedPackage pin = new PinnedPackage("pkg", "1.0.0", Integrity.sha512Of(file));
        Integrity.verify(pin, file);

        Files.writeString(file, "abd");
        assertThatThrownBy(() -> Integrity.verify(pin, file))
                .isInstanceOf(IntegrityMismatchException.class)
                .hasMessageContaining("pkg@1.0.0")
                .hasMessageContaining(pin.integrity())
                .hasMessageContaining(Integrity.sha512Of(file));
    }

    @Test
    void pinsMustBeSha512() {
        assertThatThrownBy(() -> new PinnedPackage("pkg", "1.0.0", "sha1-abc"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sha512");
    }
}
