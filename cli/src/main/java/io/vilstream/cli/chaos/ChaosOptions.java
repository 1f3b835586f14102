package io.vilstream.cli.chaos;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * A chaos run's knobs.
 *
 * @param duration       how long content is produced and faults are injected
 * @param seed           the content script's and the fault order's seed
 * @param rate           content events per second
 * @param dataDir        the run's directory (broker data, encoder state, service logs), fresh per run
 * @param faultsPerMinute fault density
 * @param faultKinds     the kinds of fault to inject (all of them by default)
 * @param dataset        fixture or emoji
 * @param settle         how long the end state may take to satisfy the checks after producing stops
 * @param encoders       encoder instances
 * @param pause          how long the broker stays stopped (longer than the delivery and transaction timeouts)
 * @param json           where the summary goes, or null
 * @param overrides      configuration keys for the services (model.*, encoder.*, trainer.*, retriever.*)
 */
public record ChaosOptions(Duration duration, long seed, double rate, Path dataDir, double faultsPerMinute,
                           Set<FaultKind> faultKinds, String dataset,
                           Duration settle, int encoders, Duration pause, Path json, Map<String, String> overrides) {
}
