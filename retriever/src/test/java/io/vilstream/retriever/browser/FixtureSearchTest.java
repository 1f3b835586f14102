package io.vilstream.retriever.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vilstream.datasets.item.EmojiItem;
import io.vilstream.model.config.ModelConfig;
import io.vilstream.model.towers.DualEncoder;
import io.vilstream.retriever.RetrieverConfig;
import io.vilstream.retriever.RetrieverService;
import io.vilstream.retriever.eval.ApiRecallEvaluator;
import io.vilstream.retriever.eval.RetrieverClient;
import io.vilstream.retriever.testing.FixtureEmbeddings;
import io.vilstream.retriever.testing.ModelVersions;
import io.vilstream.retriever.testing.TrainedFixtureModel;
import io.vilstream.testkit.VilstreamCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retriever as its users meet it, on a real broker: a model fitted to the emoji fixture is
 * promoted as version 1, the fixture's content and embeddings are on the topics, and then
 * <ul>
 *   <li>the web page, driven in headless Chromium (the system's, through playwright-core),
 *       shows the queried emoji first for its name, its picture loaded, and names the emoji of an
 *       uploaded picture; a screenshot is left in {@code target/browser/};</li>
 *   <li>Recall@K through the public API (what {@code vilstream eval} reports) is far above chance.</li>
 * </ul>
 */
class FixtureSearchTest {

    private static final Logger log = LoggerFactory.getLogger(FixtureSearchTest.class);

    @RegisterExtension
    static final VilstreamCluster CLUSTER = new VilstreamCluster();

    static final Path BROWSER_PROJECT = Path.of("src/test/browser");
    static final ObjectMapper JSON = new ObjectMapper();
    static final String QUERY_ID = "1f680"; // rocket

    static List<EmojiItem> items;
    static RetrieverService service;

    @BeforeAll
    static void serveAModelFittedToTheFixture() throws Exception {
        items = FixtureEmbeddings.items();
        long t0 = System.nanoTime();
        try (DualEncoder model = TrainedFixtureModel.train(items, 300, 11)) {
            log.info("fitted the fixture model in {} ms", (System.nanoTime() - t0) / 1_000_000);
            ModelVersions.promote(CLUSTER.settings(), model, 1, 0L);
            try (FixtureEmbeddings.Producer producer = new FixtureEmbeddings.Producer(CLUSTER.settings(), CLUSTER.topics())) {
                producer.content(items);
                producer.both(FixtureEmbeddings.encode(model, items), ModelConfig.DEFAULT_NAME, 1);
            }
        }
        service = RetrieverService.start(new RetrieverConfig(Map.of("bootstrap.servers", CLUSTER.bootstrapServers(),
                "schema.registry.url", CLUSTER.registryUrl(), "metrics.port", "0")));
        assertThat(service.awaitServing(Duration.ofMinutes(2))).isTrue();
        await().atMost(Duration.ofMinutes(2)).until(() -> service.catalog().size() == items.size());
        assertThat(service.versions().served().orElseThrow().version()).isEqualTo(1);
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void thePageInHeadlessChromiumShowsTheQueriedEmojiFirstAndNamesAnUploadedOne() throws Exception {
        String node = onPath("node");
        assumeTrue(node != null, "node is not on the PATH: skipping the browser check");
        String chromium = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");
        assumeTrue(new File(chromium).canExecute(), "no Chromium at " + chromium + " (apt-get install chromium)");
        assertThat(BROWSER_PROJECT.resolve("node_modules/playwright-core")).as(
                "playwright-core is not installed: run 'mvn generate-test-resources -pl retriever' or 'npm ci' in "
                        + BROWSER_PROJECT).isDirectory();

        EmojiItem wanted = items.stream().filter(i -> i.id().equals(QUERY_ID)).findFirst().orElseThrow();
        Path out = Files.createDirectories(Path.of("target/browser"));
        Path upload = out.resolve(wanted.id() + ".png");
        Files.write(upload, wanted.renditions().get(0).png());
        Path screenshot = out.resolve("retriever-page.png");
        Path profile = Files.createTempDirectory(out, "chromium-profile-");

        JsonNode seen = JSON.readTree(runNode(node, "page-check.mjs", service.url() + "/", wanted.name(),
                upload.toAbsolutePath().toString(), screenshot.toAbsolutePath().toString(), profile.toAbsolutePath().toString()));
        log.info("the page showed: {}", seen);

        assertThat(seen.path("servedVersion").asText()).isEqualTo("1");
        JsonNode first = seen.path("cards").get(0);
        assertThat(first.path("id").asText()).isEqualTo(wanted.id());
        assertThat(first.path("name").asText()).isEqualTo(wanted.name());
        assertThat(first.path("imageWidth").asInt()).as("the emoji's picture loaded").isPositive();
        assertThat(seen.path("cards").size()).isGreaterThan(1);
        // the fixture model ranks an image's own name first for ~80% of the emoji and within
        // the top five for all of them (see the recall test): the page must list it there
        List<String> names = new java.util.ArrayList<>();
        seen.path("names").forEach(n -> names.add(n.path("name").asText()));
        assertThat(names.subList(0, Math.min(5, names.size()))).contains(wanted.name());
        assertThat(seen.path("consoleErrors")).isEmpty();
        assertThat(screenshot).isNotEmptyFile();
    }

    @Test
    void recallThroughThePublicApiIsFarAboveChance() throws Exception {
        List<ApiRecallEvaluator.Query> queries = new ArrayList<>();
        for (EmojiItem item : items) {
            queries.add(new ApiRecallEvaluator.Query(item.id(), item.name(), item.renditions().get(0).png(), "image/png"));
        }
        ApiRecallEvaluator.Result r = new ApiRecallEvaluator(new RetrieverClient(service.url())).evaluate(queries);
        log.info("recall through the API: {}", r.json());

        double chanceAt1 = 1.0 / items.size();
        assertThat(r.version()).isEqualTo(1);
        assertThat(r.queries()).isEqualTo(items.size());
        assertThat(r.t2i().r1()).isGreaterThan(10 * chanceAt1);
        assertThat(r.i2t().r1()).isGreaterThan(10 * chanceAt1);
        assertThat(r.t2i().r10()).isGreaterThanOrEqualTo(r.t2i().r1());
        assertThat(JSON.valueToTree(r.json()).fieldNames()).toIterable().containsExactly("version", "i2t", "t2i", "queries");
    }

    static String runNode(String node, String script, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(node, script));
        command.addAll(List.of(args));
        Path stdout = Files.createTempFile("page-check", ".json");
        Process p = new ProcessBuilder(command).directory(BROWSER_PROJECT.toFile())
                .redirectOutput(stdout.toFile()).redirectErrorStream(false)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        boolean done = p.waitFor(3, TimeUnit.MINUTES);
        if (!done) {
            p.destroyForcibly();
        }
        String text = Files.readString(stdout, StandardCharsets.UTF_8);
        assertThat(done).as("the browser check finished").isTrue();
        assertThat(p.exitValue()).as("node exit status; output: %s", text).isZero();
        return text;
    }

    static String onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(dir, program);
            if (f.canExecute()) {
                return f.getAbsolutePath();
            }
        }
        return null;
    }
}
