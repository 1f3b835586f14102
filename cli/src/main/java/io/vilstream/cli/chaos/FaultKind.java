package io.vilstream.cli.chaos;

/** The faults a chaos run injects, by the name the log and the JSON use. */
enum FaultKind {
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

    String id() {
        return id;
    }
}
