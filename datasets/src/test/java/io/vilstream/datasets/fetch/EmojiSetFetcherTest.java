package io.vilstream.datasets.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import io.vilstream.datasets.DatasetUnavailableException;
import io.vilstream.datasets.EmojiDataset;
import io.vilstream.datasets.catalog.CacheLayout;
import io.vilstream.datasets.catalog.EmojiCatalog;
import io.vilstream.datasets.item.EmojiItem;
import io.vilstream.datasets.item.Vendor;

/** The fetch path end to end against a fake release and a fake npm script (no network). */
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "the fake npm is a shell script")
class EmojiSetFetcherTest {

    private static final String NO_NPM = "/nonexistent/bin/npm";

    @TempDir
    Path temp;

    private FakeEmojiRelease release;
    private Path cacheDir;

    @BeforeEach
    void createRelease() throws IOException {
        release = FakeEmojiRelease.create(temp.resolve("registry"));
        cacheDir = temp.resolve("cache");
    }

    private FetchSettings settings(String npm) {
        return FetchSettings.defaults(cacheDir).withPackages(release.pins).withNpmCommand(npm);
    }

    @Test
    void fetchesVerifiesAndExtractsOnlyTheBaseEmoji() throws IOException {
        CacheLayout layout = new EmojiSetFetcher(settings(release.npm.toString())).fetch();

        assertThat(release.npmCalls()).isEqualTo(4);
        assertThat(layout.completionMarker()).hasContent(release.pins.markerText().strip());
        for (Vendor vendor : Vendor.values()) {
            try (var files = Files.list(layout.imageDir(vendor))) {
                assertThat(files.map(p -> p.getFileName().toString()))
                        .containsExactlyInAnyOrder("1f600.png", "2764-fe0f.png", "1f44d.png");
            }
        }
        assertThat(layout.root().resolve("img/google/sheets")).doesNotExist();
        assertThat(layout.root().resolve("img/google/32")).doesNotExist();
        // no tarball and no work folder is left behind
        try (var files = Files.walk(layout.root())) {
            assertThat(files.map(Path::toString)).noneMatch(p -> p.endsWith(".tgz") || p.contains(".fetch-"));
        }

        List<EmojiItem> items = EmojiCatalog.read(layout);
        assertThat(items).extracting(EmojiItem::id).containsExactly("1f600", "2764-fe0f", "1f44d");
        assertThat(items).extracting(EmojiItem::name).containsExactly("grinning face", "red heart", "thumbs up");
    }

    @Test
    void reusesACompletedCacheWithoutNpm() throws IOException {
        List<EmojiItem> fetched = EmojiDataset.full(new EmojiSetFetcher(settings(release.npm.toString()))).items();

        EmojiSetFetcher withoutNpm = new EmojiSetFetcher(settings(NO_NPM));
        assertThat(withoutNpm.isCached()).isTrue();
        assertThat(EmojiDataset.full(withoutNpm).items()).isEqualTo(fetched);
        assertThat(release.npmCalls()).isEqualTo(4);
    }

    @Test
    void refusesATarballWhoseIntegrityDiffersNamingThePackageAndBothHashes() throws IOException {
        String wrong = Integrity.sha512Of(release.npm);
        PinnedPackage real = release.pins.datasource();
        EmojiPackages tampered = new EmojiPackages(new PinnedPackage(real.name(), real.version(), wrong),
                release.pins.googleImages(), release.pins.twitterImages(), release.pins.emojibase());
        EmojiSetFetcher fetcher = new EmojiSetFetcher(settings(release.npm.toString()).withPackages(tampered));

        assertThatThrownBy(fetcher::fetch)
                .isInstanceOf(IntegrityMismatchException.class)
                .hasMessageContaining("Refusing emoji-datasource@16.0.0")
                .hasMessageContaining(wrong)
                .hasMessageContaining(real.integrity());
        CacheLayout layout = fetcher.layout();
        assertThat(layout.completionMarker()).doesNotExist();
        assertThat(layout.emojiJson()).doesNotExist();
        assertThat(fetcher.isCached()).isFalse();
    }

    @Test
    void redoesAnInterruptedFetchInsteadOfReusingIt() throws IOException {
        CacheLayout layout = new EmojiSetFetcher(settings(release.npm.toString())).fetch();
        // as if killed after extracting: no marker, a stray file, and a work folder left behind
        Files.delete(layout.completionMarker());
        Files.writeString(layout.imageDir(Vendor.GOOGLE).resolve("stale.png"), "half");
        Files.createDirectories(layout.root().resolve(".fetch-123/emoji-datasource"));

        assertThat(new EmojiSetFetcher(settings(NO_NPM)).isCached()).isFalse();
        assertThatThrownBy(() -> new EmojiSetFetcher(settings(NO_NPM)).fetch())
                .isInstanceOf(DatasetUnavailableException.class);

        new EmojiSetFetcher(settings(release.npm.toString())).fetch();
        assertThat(layout.completionMarker()).exists();
        assertThat(layout.imageDir(Vendor.GOOGLE).resolve("stale.png")).doesNotExist();
        assertThat(layout.root().resolve(".fetch-123")).doesNotExist();
        assertThat(EmojiCatalog.read(layout)).hasSize(3);
    }

    @Test
    void aCacheCompletedForOtherPinsIsFetchedAgain() throws IOException {
        new EmojiSetFetcher(settings(release.npm.toString())).fetch();

        EmojiSetFetcher realPins = new EmojiSetFetcher(FetchSettings.defaults(cacheDir).withNpmCommand(NO_NPM));
        assertThat(realPins.isCached()).isFalse();
    }

    @Test
    void missingNpmIsReportedClearlyAndPointsToTheFixture() {
        EmojiSetFetcher fetcher = new EmojiSetFetcher(settings(NO_NPM));

        assertThatThrownBy(fetcher::fetch)
                .isInstanceOf(DatasetUnavailableException.class)
                .hasMessageContaining(NO_NPM)
                .hasMessageContaining("could not be started")
                .hasMessageContaining("fixture");
    }

    @Test
    void failingNpmIsReportedWithItsOutputAndPointsToTheFixture() throws IOException {
        Path offline = FakeEmojiRelease.failingNpm(temp);
        EmojiSetFetcher fetcher = new EmojiSetFetcher(settings(offline.toString()));

        assertThatThrownBy(fetcher::fetch)
                .isInstanceOf(DatasetUnavailableException.class)
                .hasMessageContaining("npm pack emoji-datasource@16.0.0")
                .hasMessageContaining("exit code 1")
                .hasMessageContaining("ENOTFOUND")
                .hasMessageContaining("fixture");
        assertThat(fetcher.isCached()).isFalse();
    }

    @Test
    void fallsBackToTheFixtureWithANoticeWhenTheFullSetCannotBeFetched() {
        StringBuilder notices = new StringBuilder();

        EmojiDataset dataset = EmojiDataset.fullOrFixture(new EmojiSetFetcher(settings(NO_NPM)), notices::append);

        assertThat(dataset.source()).isEqualTo(EmojiDataset.Source.FIXTURE);
        assertThat(dataset.items()).isEqualTo(EmojiDataset.fixture().items());
        assertThat(notices.toString()).contains("fixture instead of the full emoji set").contains(NO_NPM);
    }

    @Test
    void fallbackReturnsTheFullSetWhenItIsAvailable() {
        StringBuilder notices = new StringBuilder();

        EmojiDataset dataset = EmojiDataset.fullOrFixture(
                new EmojiSetFetcher(settings(release.npm.toString())), notices::append);

        assertThat(dataset.source()).isEqualTo(EmojiDataset.Source.EMOJI);
        assertThat(dataset.size()).isEqualTo(3);
        assertThat(notices).isEmpty();
    }
}
