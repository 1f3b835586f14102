package io.vilstream.embedded;

import java.io.IOException;
import java.io.InputStream;

/**
 * Ends a child JVM when the JVM that started it is gone: the parent keeps the child's standard
 * input open and writes nothing, so end of input (or a broken pipe) means it died, even by
 * kill -9, and the child must not outlive it holding ports and data directories.
 */
public final class ParentWatchdog {

    private ParentWatchdog() {
    }

    /** Starts a daemon thread that exits the JVM with status 0 once standard input ends. */
    public static void start() {
        Thread watchdog = new Thread(() -> {
            try (InputStream in = System.in) {
                while (in.read() >= 0) {
                    // the parent writes nothing; EOF means it is gone
                }
            } catch (IOException ignored) {
                // a broken pipe is the parent gone, too
            }
            System.exit(0);
        }, "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }
}
