package io.vilstream.cli;

import io.vilstream.cli.commands.BenchCommand;
import io.vilstream.cli.commands.BrokerCommand;
import io.vilstream.cli.commands.DemoCommand;
import io.vilstream.cli.commands.EncoderCommand;
import io.vilstream.cli.commands.EvalCommand;
import io.vilstream.cli.commands.ModelCommand;
import io.vilstream.cli.commands.TrainerCommand;
import io.vilstream.cli.commands.RetrieverCommand;
import io.vilstream.cli.commands.EngineCommand;
import io.vilstream.cli.commands.ProduceCommand;
import io.vilstream.cli.commands.RegistryCommand;
import io.vilstream.cli.commands.TopicsCommand;
import io.vilstream.model.runtime.DjlRuntime;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code vilstream} command. Every option can also come from an environment variable
 * ({@code VILSTREAM_<OPTION>}, e.g. {@code VILSTREAM_KAFKA_PORT}) or a properties file
 * ({@code --config FILE} or {@code VILSTREAM_CONFIG}, keys = option names without dashes);
 * flags win over the environment, which wins over the file.
 */
@Command(name = "vilstream", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Streaming image-text embeddings with ERNIE-ViL 2.0 multi-view contrastive learning on Apache Kafka.",
        subcommands = {BrokerCommand.class, RegistryCommand.class, TopicsCommand.class, EncoderCommand.class,
            ProduceCommand.class, TrainerCommand.class, ModelCommand.class, RetrieverCommand.class, EvalCommand.class,
            DemoCommand.class, EngineCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class})
public final class Vilstream implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--config", paramLabel = "FILE", scope = CommandLine.ScopeType.INHERIT,
            description = "Properties file with option values (keys are option names without dashes). Env: VILSTREAM_CONFIG.")
    String config;

    /** The properties file named by --config or VILSTREAM_CONFIG, or null. */
    public String configFile() {
        return config != null ? config : System.getenv("VILSTREAM_CONFIG");
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command line; returns the exit code. */
    public static int execute(String... args) {
        DjlRuntime.class.getName(); // DJL's offline flags are set before anything can load the engine
        CommandLine cmd = new CommandLine(new Vilstream());
        cmd.setDefaultValueProvider(OptionDefaults.fromEnvironment(args, System.getenv()));
        cmd.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println(commandLine.getColorScheme().errorText("vilstream: " + describe(e)));
            if (Boolean.parseBoolean(System.getenv("VILSTREAM_DEBUG"))) {
                e.printStackTrace(commandLine.getErr());
            }
            return e instanceof org.apache.kafka.common.config.ConfigException ? 2 : 1;
        });
        return cmd.execute(args);
    }

    private static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable c = e.getCause(); c != null && c != e; c = c.getCause()) {
            sb.append(" (").append(c.getMessage()).append(')');
        }
        return sb.toString();
    }
}
