package io.vilstream.encoder;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import io.vilstream.encoder.config.EncoderConfig;
import io.vilstream.runtime.config.ConfigSources;

/**
 * A plain entry point for one encoder instance ({@code KEY=VALUE} arguments over the
 * environment's {@code VILSTREAM_*} keys); runs until SIGTERM. The CLI's {@code vilstream encoder}
 * is the usual way in; tests start instances in child JVMs through this class to kill them for
 * real.
 */
public final class EncoderApp {

    private EncoderApp() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> explicit = new HashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("arguments are KEY=VALUE, got " + a);
            }
            explicit.put(a.substring(0, eq), a.substring(eq + 1));
        }
        EncoderConfig config = new EncoderConfig(ConfigSources.merge(EncoderConfig.CONFIG, null, System.getenv(), explicit));
        EncoderService service = EncoderService.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.close();
            stopped.countDown();
        }, "encoder-shutdown"));
        System.out.println("ENCODER READY " + service.opsUrl());
        System.out.flush();
        stopped.await();
    }
}
