package io.vilstream.cli.commands;

import java.util.List;
import java.util.concurrent.Callable;

import ai.djl.engine.Engine;
import io.vilstream.model.config.ModelConfig;
import io.vilstream.model.runtime.DjlRuntime;
import io.vilstream.model.towers.DualEncoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vilstream engine check}: loads the PyTorch engine (unpacking its native library into
 * DJL_CACHE_DIR the first time), reports version, device and threads, and runs one forward pass
 * of each tower. Container images run it at build time; operators run it to check a GPU image.
 */
@Command(name = "engine", mixinStandardHelpOptions = true, description = "The deep-learning engine (DJL, PyTorch).",
        subcommands = EngineCommand.Check.class)
public final class EngineCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Loads PyTorch, prints version, device and threads, and runs one forward pass of each tower.")
    static final class Check implements Callable<Integer> {

        @Option(names = "--preset", defaultValue = "default", description = "Model architecture to try (a model.preset: default, hashed, minilm, minilm-adapter, minilm-linear, minilm-mobilenet, tiny; default ${DEFAULT-VALUE}).")
        String preset;

        @Override
        public Integer call() {
            long t0 = System.nanoTime();
            Engine engine = DjlRuntime.engine();
            System.out.printf("engine:  %s %s%n", engine.getEngineName(), engine.getVersion());
            System.out.printf("device:  %s (GPUs visible: %d)%n", engine.defaultDevice(), engine.getGpuCount());
            System.out.printf("cache:   %s%n", System.getProperty("DJL_CACHE_DIR", System.getenv("DJL_CACHE_DIR")));
            System.out.printf("threads: intra-op %d, inter-op %d%n", ai.djl.pytorch.jni.JniUtils.getNumThreads(),
                    ai.djl.pytorch.jni.JniUtils.getNumInteropThreads());
            ModelConfig config = ModelConfig.preset(preset);
            try (DualEncoder model = DualEncoder.initial(config, 42)) {
                int s = config.imageSize();
                float[][] img = model.encodeImages(List.of(new float[3 * s * s]));
                float[][] txt = model.encodeTexts(List.of("engine check"));
                System.out.printf("towers:  image -> %d dims, text -> %d dims%n", img[0].length, txt[0].length);
            }
            System.out.printf("ok in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            return 0;
        }
    }
}
