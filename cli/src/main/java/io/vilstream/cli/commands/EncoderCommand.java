package io.vilstream.cli.commands;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.vilstream.cli.Vilstream;
import io.vilstream.encoder.EncoderService;
import io.vilstream.encoder.config.EncoderConfig;
import io.vilstream.runtime.config.ConfigDocs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code vilstream encoder}: one stream-encoder instance, until SIGTERM. */
@Command(name = "encoder", mixinStandardHelpOptions = true,
        description = {"Runs a stream-encoder instance (Kafka Streams, exactly_once_v2): content events -> image and text "
                + "embeddings, object tags and hard negatives; follows the served model version and hot-swaps it; backfills "
                + "new versions. Start more instances with the same encoder.application.id to share the partitions.",
            "Configuration keys: --config-keys. Environment: VILSTREAM_<KEY> (e.g. VILSTREAM_ENCODER_BATCH_SIZE)."})
public final class EncoderCommand implements Callable<Integer> {

    @ParentCommand
    Vilstream root;

    @Mixin
    ServiceOptions service;

    @Option(names = "--config-keys", description = "Print the configuration keys (Markdown table) and exit.")
    boolean configKeys;

    @Override
    public Integer call() throws Exception {
        if (configKeys) {
            System.out.print(ConfigDocs.markdown(EncoderConfig.CONFIG));
            return 0;
        }
        EncoderConfig config = new EncoderConfig(service.resolve(EncoderConfig.CONFIG, root.configFile()));
        EncoderService encoder = EncoderService.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            encoder.close();
            stopped.countDown();
        }, "encoder-shutdown"));
        System.out.printf("Encoder running (model version %d); metrics and health on %s. Ctrl-C or SIGTERM stops it.%n",
                encoder.modelVersion(), encoder.opsUrl());
        // a fatal Streams error ends the process with a non-zero code, so an orchestrator restarts it
        encoder.fatalError().thenAccept(reason -> {
            System.err.println("vilstream: encoder failed: " + reason);
            System.exit(1);
        });
        stopped.await();
        return 0;
    }
}
