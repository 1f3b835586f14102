package io.vilstream.cli.commands;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vilstream.cli.bench.TrainerBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vilstream bench trainer}: the online trainer's throughput against the offline loop's, and staleness. */
@Command(name = "trainer", mixinStandardHelpOptions = true,
        description = {"Measures, in one run and at the same batch size and model: the offline training loop's items/s, "
                + "the online trainer's items/s from the stream (an in-process broker, schema registry and topics are "
                + "started), their ratio, and the staleness of the published versions (event time of the newest item "
                + "trained on -> publication), p50/p99. Prints the validation recall of version 0 and of every "
                + "published version.",
            "--json FILE writes {\"offline_items_per_s\", \"stream_items_per_s\", \"ratio\", \"staleness_ms\": {\"p50\", \"p99\"}, "
                    + "\"settings\", \"versions\"}."})
public final class BenchTrainerCommand implements Callable<Integer> {

    @Mixin
    DatasetOptions dataset = new DatasetOptions("emoji");

    @Option(names = "--preset", defaultValue = "default", description = "Model architecture, a model.preset: default, "
            + "hashed, minilm, minilm-adapter, minilm-linear or tiny (default ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--batch-size", defaultValue = "64", description = "Anchors per step, both loops (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--offline-seconds", defaultValue = "60", description = "Training time of the offline loop, half before and half after the stream phase (default ${DEFAULT-VALUE}).")
    long offlineSeconds;

    @Option(names = "--stream-seconds", defaultValue = "180", description = "Measured time of the online trainer from its first step (default ${DEFAULT-VALUE}).")
    long streamSeconds;

    @Option(names = "--gate-steps", defaultValue = "100", description = "Steps between candidate versions (default ${DEFAULT-VALUE}).")
    int gateSteps;

    @Option(names = "--rate", defaultValue = "10", description = "Train items per second arriving during the run, cycling through the train split (updates once all are sent); 0 = the rest at once (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--backlog", defaultValue = "0.5", description = "Share of the train items on the topic before the trainer starts (default ${DEFAULT-VALUE}).")
    double backlog;

    @Mixin
    JsonOutput json;

    @Override
    public Integer call() throws Exception {
        io.vilstream.model.config.ModelConfig.preset(preset); // refuses an unknown name, listing the known ones
        if (backlog < 0 || backlog > 1) {
            throw new IllegalArgumentException("--backlog must be within 0..1, got " + backlog);
        }
        TrainerBenchmark.Settings settings = new TrainerBenchmark.Settings(dataset.source(), dataset.cacheDir(),
                preset, batchSize, Duration.ofSeconds(offlineSeconds), Duration.ofSeconds(streamSeconds), gateSteps, rate, backlog);
        Map<String, Object> result = new TrainerBenchmark(settings, System.out).run();
        // the machine-readable line: the four headline figures, in order
        Map<String, Object> line = new LinkedHashMap<>();
        for (String key : new String[] {"offline_items_per_s", "stream_items_per_s", "ratio", "staleness_ms"}) {
            line.put(key, result.get(key));
        }
        System.out.println(new ObjectMapper().writeValueAsString(line));
        json.write(result);
        return 0;
    }
}
