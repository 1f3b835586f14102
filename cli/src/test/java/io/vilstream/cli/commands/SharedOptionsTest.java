package io.vilstream.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.vilstream.cli.Vilstream;
import io.vilstream.datasets.EmojiDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** --dataset, --cache-dir and --json are one mixin each; every command keeps its own --dataset default. */
class SharedOptionsTest {

    private static CommandLine command(List<String> path) {
        CommandLine c = new CommandLine(new Vilstream());
        for (String name : path) {
            c = c.getSubcommands().get(name);
        }
        return c;
    }

    @Test
    void eachCommandKeepsItsDatasetDefaultAndPrintsIt() {
        Map<List<String>, String> defaults = Map.of(List.of("produce"), "fixture", List.of("bench", "encoder"), "fixture",
                List.of("eval"), "emoji", List.of("bench", "trainer"), "emoji", List.of("bench", "retriever"), "emoji");
        defaults.forEach((path, expected) -> {
            CommandLine c = command(path);
            DatasetOptions d = (DatasetOptions) c.getCommandSpec().mixins().get("dataset").userObject();
            assertThat(d.source().id()).as("%s", path).isEqualTo(expected);
            assertThat(d.cacheDir()).isEqualTo(EmojiDataset.defaultCacheDir());
            assertThat(c.getUsageMessage()).as("%s", path).contains("--dataset=<dataset>", "(default " + expected + ")",
                    "--cache-dir=<cacheDir>").doesNotContain("${DEFAULT-VALUE}");
        });
        for (List<String> path : List.of(List.of("demo"), List.of("eval"), List.of("bench", "encoder"), List.of("bench", "trainer"),
                List.of("bench", "retriever"))) {
            assertThat(command(path).getUsageMessage()).as("%s", path).contains("--json=FILE", "Write the results as JSON.");
        }
    }

    @Test
    void givenValuesWin() {
        CommandLine root = new CommandLine(new Vilstream());
        root.parseArgs("eval", "--retriever", "http://127.0.0.1:1", "--dataset", "fixture", "--cache-dir", "/tmp/emoji", "--json", "r.json");
        EvalCommand eval = root.getSubcommands().get("eval").getCommand();
        assertThat(eval.dataset.source()).isEqualTo(EmojiDataset.Source.FIXTURE);
        assertThat(eval.dataset.cacheDir()).isEqualTo(Path.of("/tmp/emoji"));
        assertThat(eval.json.file()).isEqualTo(Path.of("r.json"));
    }

    @Test
    void jsonGoesIntoANewDirectoryAndNowhereWithoutTheFlag(@TempDir Path dir) throws Exception {
        JsonOutput none = new JsonOutput();
        none.write(Map.of("a", 1));
        assertThat(dir).isEmptyDirectory();
        JsonOutput json = new JsonOutput();
        json.file = dir.resolve("out/result.json");
        json.write(Map.of("ratio", 0.5));
        assertThat(Files.readString(json.file())).contains("\"ratio\" : 0.5");
    }
}
