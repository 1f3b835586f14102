package io.vilstream.runtime.http;

import java.io.IOException;
import java.time.Duration;

/**
 * An exchange's I/O outlived its phase's deadline and the {@link ExchangeWatchdog} closed the
 * connection: there is nobody left to answer.
 */
public final class ExchangeTimeoutException extends IOException {

    private static final long serialVersionUID = 1L;

    public ExchangeTimeoutException(ExchangeWatchdog.Phase phase, Duration timeout, IOException cause) {
        super("reading or writing the " + phase.name().toLowerCase(java.util.Locale.ROOT) + " took longer than "
                + timeout.toMillis() + " ms; the connection was closed", cause);
    }
}
