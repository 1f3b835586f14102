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
import java.util.Set;

import io.vilstream.model.runtime.DjlRuntime;
import io.vilstream.model.runtime.TorchLogging;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code vilstream} command. Every option can also come from an environment variable or a
 * properties file ({@code --config FILE} or {@code VILSTREAM_CONFIG}) under one naming rule
 * (OptionDefaults, ConfigSources): an option that sets a configuration key uses the key's
 * variable and file key ({@code --bootstrap}: {@code VILSTREAM_BOOTSTRAP_SERVERS},
 * {@code bootstrap.servers}), any other {@code VILSTREAM_<OPTION>} and the option name
 * ({@code --kafka-port}: {@code VILSTREAM_KAFKA_PORT}, {@code kafka-port}); flags win over the
 * environment, which wins over the file.
 */
@Command(name = "vilstream", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Streaming image-text embeddings with ERNIE-ViL 2.0 multi-view contrastive learning on Apache Kafka.",
        subcommands = {BrokerCommand.class, RegistryCommand.class, TopicsCommand.class, EncoderCommand.class,
            ProduceCommand.class, TrainerCommand.class, ModelCommand.class, RetrieverCommand.class, EvalCommand.class,
            DemoCommand.class, EngineCommand.class, io.vilstream.cli.commands.ChaosCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class})
public final class Vilstream implements Runnable {

    /** The commands that run libtorch: they load it first, then quiet its own stderr logging. */
    static final Set<String> TORCH_COMMANDS = Set.of("encoder", "trainer", "retriever", "demo", "bench", "engine");

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
        cmd.setExecutionStrategy(parseResult -> {
            prepareTorch(parseResult);
            return new CommandLine.RunLast().execute(parseResult);
        });
        cmd.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println(commandLine.getColorScheme().errorText("vilstream: " + describe(e)));
            if (Boolean.parseBoolean(System.getenv("VILSTREAM_DEBUG"))) {
                e.printStackTrace(commandLine.getErr());
            }
            return e instanceof org.apache.kafka.common.config.ConfigException ? 2 : 1;
        });
        return cmd.execute(args);
    }

    /**
     * Loads libtorch for the commands that use it and sets its log level (TorchLogging), before
     * the first convolution can print; help requests load nothing.
     */
    private static void prepareTorch(CommandLine.ParseResult parseResult) {
        CommandLine.ParseResult sub = parseResult.subcommand();
        if (sub == null || !TORCH_COMMANDS.contains(sub.commandSpec().name())) {
            return;
        }
        for (CommandLine.ParseResult p = parseResult; p != null; p = p.subcommand()) {
            if (p.isUsageHelpRequested() || p.isVersionHelpRequested()) {
                return;
            }
        }
        try {
            DjlRuntime.engine();
        } catch (RuntimeException e) {
            return; // the command itself reports an engine that cannot load, in its own words
        }
        try {
            TorchLogging.apply();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(parseResult.commandSpec().commandLine(), e.getMessage());
        }
    }

    private static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable c = e.getCause(); c != null && c != e; c = c.getCause()) {
            sb.append(" (").append(c.getMessage()).append(')');
        }
        return sb.toString();
    }
}
