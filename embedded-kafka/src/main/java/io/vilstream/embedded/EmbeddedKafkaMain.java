package io.vilstream.embedded;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Entry point of the child JVM that {@link ChildKafkaBroker} starts: runs one
 * {@link EmbeddedKafkaBroker} until SIGTERM, or until its parent goes away (standard input
 * closes), so that a killed CLI never leaves a broker behind.
 *
 * <p>Arguments: {@code --port P --controller-port C --data-dir DIR}. Prints
 * {@code READY <bootstrap>} on standard output once clients can connect.
 */
public final class EmbeddedKafkaMain {

    static final String READY = "READY ";

    private EmbeddedKafkaMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = 0;
        int controllerPort = 0;
        Path dataDir = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--controller-port" -> controllerPort = Integer.parseInt(args[i + 1]);
                case "--data-dir" -> dataDir = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (dataDir == null) {
            throw new IllegalArgumentException("--data-dir is required");
        }
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder()
                .dataDir(dataDir).port(port).controllerPort(controllerPort).build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "broker-shutdown"));
        broker.start();
        System.out.println(READY + broker.bootstrapServers());
        System.out.flush();
        ParentWatchdog.start();
        stopped.await();
    }
}
