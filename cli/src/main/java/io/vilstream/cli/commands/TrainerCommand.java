package io.vilstream.cli.commands;

import java.time.Duration;
import java.util.concurrent.Callable;

import io.vilstream.runtime.config.ConfigDocs;
import io.vilstream.trainer.OnlineTrainer;
import io.vilstream.trainer.config.TrainerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vilstream trainer}: the online trainer in the foreground until SIGTERM / Ctrl-C. It
 * learns from the content topic and the hard-negative queue, gates every candidate on the
 * validation set and publishes versions (weights + record + input offsets in one transaction);
 * {@code /metrics} and {@code /health} on the ops port (default 9402).
 */
@Command(name = "trainer", mixinStandardHelpOptions = true,
        description = {"Runs the online trainer: consumes the content topic and vilstream.hard-negatives.v1, trains the "
                + "dual encoder with the multi-view contrastive loss (replay buffer + hard negatives), evaluates a "
                + "candidate every trainer.gate.interval.steps steps or trainer.gate.interval.ms, and publishes it as "
                + "PROMOTED (with weights) or REJECTED. Resumes after a restart from the served version and the "
                + "committed offsets; follows operator rollbacks. Stops on SIGTERM / Ctrl-C.",
            "Any key can be set with --set KEY=VALUE (list: --describe-config), e.g. --set trainer.batch.size=32."})
public final class TrainerCommand implements Callable<Integer> {

    @Mixin
    ServiceOptions service;

    @Option(names = "--model", paramLabel = "NAME", description = "The model lineage to train (key model.name).")
    String model;

    @Option(names = "--describe-config", description = "Print every configuration key (Markdown table) and exit.")
    boolean describeConfig;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (describeConfig) {
            System.out.print(ConfigDocs.markdown(TrainerConfig.CONFIG));
            return 0;
        }
        var raw = service.resolve(TrainerConfig.CONFIG, configFile(spec));
        if (model != null) {
            raw.put("model.name", model);
        }
        TrainerConfig config = new TrainerConfig(raw);
        OnlineTrainer trainer = new OnlineTrainer(config).start();
        Runtime.getRuntime().addShutdownHook(new Thread(trainer::close, "trainer-shutdown"));
        System.out.printf("Trainer:          model %s, transactional id %s%n", config.modelName(), config.instanceId());
        System.out.printf("Ops endpoint:     http://%s:%d/metrics, /health%n", config.metricsHost(), trainer.opsPort());
        System.out.printf("Gate:             every %d steps or %d s, %s, tolerance %.3f%n", config.gateIntervalSteps(),
                config.gateInterval().toSeconds(), config.gateMetric().id(), config.gateTolerance());
        System.out.println("Ctrl-C or SIGTERM stops it.");
        System.out.flush();
        while (!trainer.awaitTermination(Duration.ofMinutes(1))) {
            // runs until the shutdown hook closes it, or the loop fails (e.g. fenced by a newer instance)
        }
        if (trainer.failure().isPresent()) {
            System.err.println("vilstream: trainer stopped: " + trainer.failure().get());
            return 1;
        }
        return 0;
    }

    /** The inherited global {@code --config FILE}, if given. */
    static String configFile(CommandSpec spec) {
        for (CommandSpec s = spec; s != null; s = s.parent()) {
            OptionSpec o = s.findOption("--config");
            if (o != null && o.getValue() != null) {
                return o.getValue().toString();
            }
        }
        return null;
    }
}
