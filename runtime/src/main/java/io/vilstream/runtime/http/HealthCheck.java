package io.vilstream.runtime.http;

/**
 * One component's health, asked on every {@code /health} request. Implementations must answer
 * fast and never block on the network.
 */
@FunctionalInterface
public interface HealthCheck {

    Status check();

    /** Up or not, with a short human-readable detail. */
    record Status(boolean up, String detail) {
        public static Status up(String detail) {
            return new Status(true, detail);
        }

        public static Status down(String detail) {
            return new Status(false, detail);
        }
    }
}
