package io.vilstream.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.vilstream.datasets.item.EmojiItem;
import io.vilstream.datasets.item.Rendition;
import io.vilstream.datasets.item.Vendor;
import io.vilstream.datasets.split.Split;

/**
 * Facts about the full set built from the pinned packages (docs/PLATFORM.md "Data"). Runs against the default cache, fetching it with
 * npm on first use; skipped (not failed) when it is neither cached nor fetchable.
 */
class FullEmojiSetTest {

    private static EmojiDataset full;
    private static String unavailable;

    @BeforeAll
    static void loadFullSet() {
        try {
            full = EmojiDataset.full();
        } catch (DatasetUnavailableException e) {
            unavailable = e.getMessage();
        }
    }

    // per test rather than in @BeforeAll, so that reports list each test as skipped
    @BeforeEach
    void requireFullSet() {
        Assumptions.assumeTrue(full != null, () -> "full emoji set neither cached nor fetchable: " + unavailable);
    }

    @Test
    void has1911BaseEmojiEachWithAGoogleAndATwitterImage() {
        assertThat(full.size()).isEqualTo(1911);
        for (EmojiItem item : full.items()) {
            assertThat(item.renditions()).extracting(Rendition::vendor)
                    .as(item.id()).containsExactly(Vendor.GOOGLE, Vendor.TWITTER);
        }
    }

    @Test
    void everyPngDecodesTo64By64() throws IOException {
        for (EmojiItem item : full.items()) {
            for (Rendition rendition : item.renditions()) {
                BufferedImage image = ImageIO.read(new ByteArrayInputStream(rendition.png()));
                assertThat(image).as(item.id() + " " + rendition.vendor()).isNotNull();
                assertThat(image.getWidth() * 1000 + image.getHeight()).as(item.id()).isEqualTo(64_064);
            }
        }
    }

    @Test
    void namesAreUniqueButEightyNineEmojiShareAKeywordSet() {
        assertThat(full.items().stream().map(EmojiItem::name).distinct().count()).isEqualTo(1911);
        Map<Set<String>, Integer> bySet = new HashMap<>();
        for (EmojiItem item : full.items()) {
            assertThat(item.keywords()).as(item.id()).isNotEmpty();
            bySet.merge(new TreeSet<>(item.keywords()), 1, Integer::sum);
        }
        int sharing = bySet.values().stream().filter(n -> n > 1).mapToInt(Integer::intValue).sum();
        assertThat(sharing).isEqualTo(89);
    }

    @Test
    void splitsAboutEightyTenTenWithPinnedCounts() {
        Map<Split, Long> counts = full.splitCounts();

        assertThat(counts).containsEntry(Split.TRAIN, 1533L).containsEntry(Split.VAL, 199L)
                .containsEntry(Split.TEST, 179L);
        assertThat(full.items(Split.TRAIN).size() + full.items(Split.VAL).size() + full.items(Split.TEST).size())
                .isEqualTo(1911);
    }

    @Test
    void twentyTwoEmojiShareBothDrawingsWithAnotherEmoji() {
        // flags with one design (France = St. Martin = Clipperton Island) and family emoji drawn
        // alike: no image-to-text ranking can tell these apart, which caps image-to-text R@1
        // renditions compare by vendor and bytes, so equal lists mean byte-identical drawings
        Map<List<Rendition>, Integer> byDrawings = new HashMap<>();
        for (EmojiItem item : full.items()) {
            byDrawings.merge(item.renditions(), 1, Integer::sum);
        }
        long alike = full.items().stream().filter(item -> byDrawings.get(item.renditions()) > 1).count();
        assertThat(alike).isEqualTo(22);
    }

    @Test
    void theFixtureIsAnExactSubsetOfTheFullSet() {
        for (EmojiItem item : EmojiDataset.fixture().items()) {
            assertThat(full.item(item.id())).as(item.id()).contains(item);
        }
    }

    @Test
    void coversEveryCategory() {
        List<String> groups = full.items().stream().map(EmojiItem::group).distinct().sorted().toList();
        assertThat(groups).containsExactly("Activities", "Animals & Nature", "Component", "Flags", "Food & Drink",
                "Objects", "People & Body", "Smileys & Emotion", "Symbols", "Travel & Places");
        assertThat(full.items().stream().collect(Collectors.groupingBy(EmojiItem::group, Collectors.counting())))
                .containsEntry("Component", 5L);
    }
}
