package io.vilstream.schemas.registry;

import java.util.List;

/** The outcome of a compatibility check: compatible or not, and why not. */
public record CompatibilityResult(boolean compatible, List<String> messages) {

    public CompatibilityResult {
        messages = List.copyOf(messages);
    }

    public static CompatibilityResult ok() {
        return new CompatibilityResult(true, List.of());
    }

    public static CompatibilityResult incompatible(List<String> messages) {
        return new CompatibilityResult(false, messages);
    }
}
