package io.vilstream.cli.chaos;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * When each fault is due, planned before the run from the duration, the density and the seed.
 * Faults fall evenly between a warm-up (the pipeline flowing first) and a quiet tail (room for
 * the last fault to end before the run stops producing). Every kind comes once before any comes
 * twice; the first round keeps a fixed order (a restart and a pause first, the rollback after
 * the trainer had time to promote twice), later rounds are shuffled by the seed.
 */
record FaultSchedule(List<Planned> faults) {

    /** One fault due {@code atSeconds} after producing started. */
    record Planned(double atSeconds, FaultKind kind) {
    }

    static final List<FaultKind> FIRST_ROUND = List.of(FaultKind.ENCODER_KILL, FaultKind.SLOW_CLIENTS,
            FaultKind.BROKER_PAUSE, FaultKind.TRAINER_KILL, FaultKind.ROLLBACK, FaultKind.BROKER_RESTART);

    /**
     * @param durationSeconds how long content is produced
     * @param perMinute       faults per minute (density); at least one fault when positive
     * @param warmupSeconds   no fault before this
     * @param tailSeconds     no fault in the last seconds of the run
     */
    static FaultSchedule plan(double durationSeconds, double perMinute, long seed, double warmupSeconds, double tailSeconds) {
        return plan(durationSeconds, perMinute, seed, warmupSeconds, tailSeconds, Set.of(FaultKind.values()));
    }

    /** The same, with only the given kinds (the first round's order kept among them). */
    static FaultSchedule plan(double durationSeconds, double perMinute, long seed, double warmupSeconds, double tailSeconds,
                              Set<FaultKind> only) {
        double window = durationSeconds - warmupSeconds - tailSeconds;
        List<FaultKind> firstRound = FIRST_ROUND.stream().filter(only::contains).toList();
        if (perMinute <= 0 || window <= 0 || firstRound.isEmpty()) {
            return new FaultSchedule(List.of());
        }
        int count = Math.max(1, (int) Math.round(durationSeconds / 60.0 * perMinute));
        Random random = new Random(seed);
        List<FaultKind> kinds = new ArrayList<>();
        while (kinds.size() < count) {
            List<FaultKind> round = new ArrayList<>(firstRound);
            if (!kinds.isEmpty()) {
                Collections.shuffle(round, random);
            }
            kinds.addAll(round);
        }
        List<Planned> out = new ArrayList<>();
        // the first fault right after the warm-up, the last one right before the quiet tail: the
        // tail is what the last fault has to end and the system to recover before producing stops
        double step = count == 1 ? 0 : window / (count - 1);
        for (int i = 0; i < count; i++) {
            out.add(new Planned(warmupSeconds + i * step, kinds.get(i)));
        }
        return new FaultSchedule(List.copyOf(out));
    }
}
