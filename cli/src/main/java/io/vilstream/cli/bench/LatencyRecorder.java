package io.vilstream.cli.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Collects latency samples (milliseconds) and reports percentiles. Thread-safe. */
public final class LatencyRecorder {

    private final List<Double> samples = new ArrayList<>();

    public synchronized void record(double millis) {
        samples.add(millis);
    }

    public synchronized int count() {
        return samples.size();
    }

    /** The p-th percentile (0..100), nearest-rank; NaN without samples. */
    public synchronized double percentile(double p) {
        if (samples.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(samples);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }
}
