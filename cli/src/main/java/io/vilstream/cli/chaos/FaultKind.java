package io.vilstream.cli.chaos;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The faults a chaos run injects, by the name the log, the JSON and {@code --faults} use. */
public enum FaultKind {
    /** SIGKILL of one encoder instance, restarted a few seconds later. */
    ENCODER_KILL("encoder-kill"),
    /** SIGSTOP of the broker for longer than the producers' delivery and transaction timeouts, then SIGCONT. */
    BROKER_PAUSE("broker-pause"),
    /** SIGTERM of the broker and a start on the same port and data. */
    BROKER_RESTART("broker-restart"),
    /** SIGKILL of the trainer as soon as a publication's first chunk is seen uncommitted, restarted later. */
    TRAINER_KILL("trainer-kill"),
    /** {@code model rollback --to V} (ModelAdmin, the CLI's code path) while the trainer runs. */
    ROLLBACK("rollback"),
    /** A bounded burst of slow HTTP connections to the retriever, while /health is probed. */
    SLOW_CLIENTS("slow-clients");

    private final String id;

    FaultKind(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** The kind of a name as {@code --faults} takes it, or an error that lists the names. */
    public static FaultKind byId(String id) {
        for (FaultKind k : values()) {
            if (k.id.equals(id.trim())) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown fault kind '" + id + "'; the kinds are "
                + Arrays.stream(values()).map(FaultKind::id).collect(Collectors.joining(", ")));
    }
}
