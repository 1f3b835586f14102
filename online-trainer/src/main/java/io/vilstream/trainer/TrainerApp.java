package io.vilstream.trainer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import io.vilstream.runtime.config.ConfigSources;
import io.vilstream.trainer.config.TrainerConfig;

/**
 * A plain {@code main} for the trainer outside the {@code vilstream} command (container images,
 * child JVMs in tests): {@code TrainerApp [FILE.properties] [KEY=VALUE ...]}, with the usual
 * precedence (file, then {@code VILSTREAM_*} environment, then arguments). Runs until SIGTERM;
 * exits 1 when the loop fails (e.g. fenced by a newer instance).
 */
public final class TrainerApp {

    private TrainerApp() {
    }

    public static void main(String[] args) throws Exception {
        Path file = null;
        Map<String, String> explicit = new HashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq > 0) {
                explicit.put(a.substring(0, eq), a.substring(eq + 1));
            } else {
                file = Path.of(a);
            }
        }
        TrainerConfig config = new TrainerConfig(ConfigSources.merge(TrainerConfig.CONFIG, file, System.getenv(), explicit));
        OnlineTrainer trainer = new OnlineTrainer(config).start();
        Runtime.getRuntime().addShutdownHook(new Thread(trainer::close, "trainer-shutdown"));
        while (!trainer.awaitTermination(Duration.ofMinutes(1))) {
            // runs until SIGTERM (the hook closes it) or a failure
        }
        System.exit(trainer.failure().isPresent() ? 1 : 0);
    }
}
