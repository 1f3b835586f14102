package io.vilstream.cli.chaos;


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
        io.vilstream.embedded.ParentWatchdog.start();
        int code = Vilstream.execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }
}
