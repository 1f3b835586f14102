package io.vilstream.cli.commands;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vilstream.datasets.EmojiDataset;
import io.vilstream.datasets.item.EmojiItem;
import io.vilstream.datasets.item.Rendition;
import io.vilstream.datasets.split.Split;
import io.vilstream.model.eval.Recall;
import io.vilstream.retriever.eval.ApiRecallEvaluator;
import io.vilstream.retriever.eval.RetrieverClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code vilstream eval}: Recall@1/5/10 of a running retriever in both directions, through its
 * public API only — each item of the split is queried by its name (text → image) and by its
 * first picture (image → text), and its id is looked for among the 10 results.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Recall@1/5/10 of a running retriever through its public API: text→image queries each item's "
                + "name, image→text uploads its first picture; the right answer is the item's id. The gallery is "
                + "whatever the retriever serves; --dataset must be what was produced.",
            "JSON (--json): {\"version\": v, \"i2t\": {\"r1\", \"r5\", \"r10\"}, \"t2i\": {...}, \"queries\": n}."})
public final class EvalCommand implements Callable<Integer> {

    @Option(names = "--retriever", required = true, paramLabel = "URL", description = "The retriever's base URL, e.g. http://127.0.0.1:8080.")
    String retriever;

    @Option(names = "--split", defaultValue = "test", description = "train, val or test (default ${DEFAULT-VALUE}).")
    String split;

    @Mixin
    DatasetOptions dataset = new DatasetOptions("emoji");

    @Mixin
    JsonOutput json;

    @Override
    public Integer call() throws Exception {
        EmojiDataset ds = dataset.load();
        EmojiDataset.Source source = ds.source();
        Split s = Split.parse(split);
        List<ApiRecallEvaluator.Query> queries = new ArrayList<>();
        for (EmojiItem item : ds.items(s)) {
            queries.add(new ApiRecallEvaluator.Query(item.id(), item.name(), item.renditions().get(0).png(),
                    Rendition.MEDIA_TYPE));
        }
        if (queries.isEmpty()) {
            throw new IllegalArgumentException("the " + s.id() + " split of the " + source.id() + " dataset is empty");
        }
        System.out.printf("Evaluating %s through %s: %d %s items, both directions...%n", source.id(), retriever,
                queries.size(), s.id());
        ApiRecallEvaluator.Result r = new ApiRecallEvaluator(new RetrieverClient(retriever)).evaluate(queries);
        System.out.println();
        System.out.printf("model version %d%s, %d queries per direction%n", r.version(),
                r.versionsSeen().size() > 1 ? " (versions seen during the run: " + r.versionsSeen() + ")" : "", r.queries());
        System.out.printf("%-12s | %6s %6s %6s%n", "direction", "R@1", "R@5", "R@10");
        System.out.println("-".repeat(36));
        row("image→text", r.i2t());
        row("text→image", r.t2i());
        ObjectMapper mapper = new ObjectMapper();
        System.out.println(mapper.writeValueAsString(r.json()));
        json.write(r.json());
        return 0;
    }

    private static void row(String name, Recall r) {
        System.out.printf("%-12s | %6.3f %6.3f %6.3f%n", name, r.r1(), r.r5(), r.r10());
    }
}
