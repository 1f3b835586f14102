package io.vilstream.cli.commands;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vilstream.cli.bench.EmojiTrainingData;
import io.vilstream.cli.bench.TrainBenchmark;
import io.vilstream.model.config.ModelConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vilstream bench …}: benchmarks that print a table and write a machine-readable JSON. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks (table on stdout, --json for machines).",
        subcommands = {BenchCommand.Train.class, BenchCommand.Encoder.class, BenchTrainerCommand.class,
                io.vilstream.cli.bench.RetrieverBenchmark.class})
public final class BenchCommand implements Runnable {

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = {"Trains the dual encoder from scratch on the emoji train split and evaluates it on the test "
                    + "split (unseen emoji): Recall@1/5/10 both ways, tagger P@5/R@5.",
                "--ablation compares single-view (I,T), multi-view without the tag view and full multi-view at the "
                        + "same budget over --seeds seeds."})
    static final class Train implements Callable<Integer> {

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--minutes", description = "Training time per run (default 12 without --steps).")
        Double minutes;

        @Option(names = "--steps", description = "Training steps per run (instead of, or with, --minutes: whichever ends first).")
        Long steps;

        @Option(names = "--ablation", description = "Run the view-pair ablation (single_view, multi_view_no_tags, multi_view) "
                + "and the text side trained from scratch (hashed_text).")
        boolean ablation;

        @Option(names = "--variants", split = ",", paramLabel = "NAME", completionCandidates = VariantNames.class,
                description = "Variants to run at the same budget, from: ${COMPLETION-CANDIDATES}.")
        List<String> variants;

        @Option(names = "--preset", defaultValue = "default", description = "model.preset of the base architecture "
                + "(default ${DEFAULT-VALUE}; one of default, hashed, minilm, minilm-adapter, minilm-linear, minilm-mobilenet, tiny).")
        String preset;

        @Option(names = "--holdout-vendor", paramLabel = "VENDOR", description = "Train on the other vendor's drawings only, then "
                + "query with this vendor's (google or twitter) against all train names and the test names.")
        String holdoutVendor;

        @Option(names = "--seeds", description = "Seeds per variant (default 3 with --ablation, else 1).")
        Integer seeds;

        @Option(names = "--batch-size", defaultValue = "64", description = "Items per step (default ${DEFAULT-VALUE}).")
        int batchSize;

        @picocli.CommandLine.Mixin
        DatasetOptions dataset = new DatasetOptions("emoji");

        @Option(names = "--text-augmentation", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "Keyword phrases as second text views and word/n-gram feature dropout on training texts "
                        + "(default on; --no-text-augmentation measures what they add).")
        boolean textAugmentation;

        @Option(names = "--keep-best", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "End each run with the weights of its best validation evaluation (every 250 steps and at the "
                        + "end; default on: early stopping, as the online trainer's gate keeps its best version). "
                        + "--no-keep-best reports the last step's weights.")
        boolean keepBest;

        @picocli.CommandLine.Mixin
        JsonOutput json;

        @Override
        public Integer call() throws Exception {
            Double m = minutes == null && steps == null ? Double.valueOf(12) : minutes;
            int n = seeds != null ? seeds : ablation ? 3 : 1;
            ModelConfig config = ModelConfig.preset(preset);
            System.out.println("Loading the " + dataset.source().id() + " dataset...");
            EmojiTrainingData data = EmojiTrainingData.load(dataset.source(), dataset.cacheDir(), config.imageSize());
            System.out.printf("train %d, val %d, test %d items; budget %s per run; batch %d; %d seed(s)%n",
                    data.train().size(), data.val().size(), data.test().size(),
                    (m != null ? m + " min" : "") + (steps != null ? (m != null ? " or " : "") + steps + " steps" : ""),
                    batchSize, n);
            TrainBenchmark bench = new TrainBenchmark(data, config, TrainBenchmark.budget(m, steps), batchSize, System.out)
                    .textAugmentation(textAugmentation)
                    .keepBest(keepBest)
                    .holdOut(holdoutVendor == null ? null : io.vilstream.datasets.item.Vendor.parse(holdoutVendor));
            List<String> names = variants != null ? variants
                    : ablation ? List.of("single_view", "multi_view_no_tags", "multi_view", "hashed_text") : List.of("multi_view");
            List<TrainBenchmark.Variant> chosen = new java.util.ArrayList<>();
            for (String name : names) {
                TrainBenchmark.Variant v = TrainBenchmark.CATALOGUE.get(name);
                if (v == null) {
                    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "unknown variant '" + name
                            + "' (one of " + new java.util.TreeSet<>(TrainBenchmark.CATALOGUE.keySet()) + ")");
                }
                chosen.add(v);
            }
            Map<String, Object> result = bench.runAll(chosen, n);
            json.write(result);
            return 0;
        }
    }

    @Command(name = "encoder", mixinStandardHelpOptions = true,
            description = {"On an embedded broker: raw tower throughput at the batch size, the full exactly-once topology's "
                    + "throughput on a backlog, their ratio, and event-to-embedding latency p50/p99 at about 50%% and 90%% of "
                    + "the measured maximum rate."})
    static final class Encoder implements Callable<Integer> {

        @Option(names = "--batch-size", defaultValue = "32", description = "encoder.batch.size (default ${DEFAULT-VALUE}).")
        int batchSize;

        @Option(names = "--backlog", defaultValue = "8000", description = "Content events of the timed throughput run, produced after the warm-up (default ${DEFAULT-VALUE}).")
        int backlog;

        @Option(names = {"--set", "-D"}, paramLabel = "KEY=VALUE", description = "Encoder configuration for the pipeline run, e.g. --set encoder.num.stream.threads=2.")
        Map<String, String> settings = new java.util.HashMap<>();

        @Option(names = "--warmup", defaultValue = "2000", description = "Content events the untimed warm-up starts with, and "
                + "at least processes; it goes on, topped up, until the JIT compilers are quiet (default ${DEFAULT-VALUE}).")
        int warmup;

        @Option(names = "--max-warmup-seconds", defaultValue = "300", description = "Longest warm-up when the compilers do "
                + "not quieten (default ${DEFAULT-VALUE}).")
        int maxWarmupSeconds;

        @Option(names = "--latency-seconds", defaultValue = "30", description = "Length of each latency run (default ${DEFAULT-VALUE}).")
        int latencySeconds;

        /** The items the events are made of. */
        @picocli.CommandLine.Mixin
        DatasetOptions dataset = new DatasetOptions("fixture");

        @picocli.CommandLine.Mixin
        JsonOutput json;

        @Override
        public Integer call() throws Exception {
            Path work = Files.createTempDirectory("vilstream-bench-encoder-");
            Map<String, Object> result = new io.vilstream.cli.bench.EncoderBenchmark(dataset.load().items(), batchSize, backlog,
                    warmup, java.time.Duration.ofSeconds(maxWarmupSeconds), java.time.Duration.ofSeconds(latencySeconds),
                    System.out).with(settings).run(work);
            System.out.println(JSON.writeValueAsString(result));
            json.write(result);
            return 0;
        }
    }

    /** The train benchmark's variant names, for --variants' help. */
    static final class VariantNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return new TreeSet<>(TrainBenchmark.CATALOGUE.keySet()).iterator();
        }
    }
}
