package io.vilstream.cli.chaos;

import java.io.IOException;
import java.io.InputStream;

import io.vilstream.cli.Vilstream;

/**
 * Entry point of a chaos child JVM (an encoder or the trainer): runs one {@code vilstream}
 * command, and exits when its parent goes away (standard input closes), so that a chaos run
 * killed itself never leaves services behind, as the broker's child does.
 */
public final class ChildMain {

    private ChildMain() {
    }

    public static void main(String[] args) {
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
        int code = Vilstream.execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }
}
