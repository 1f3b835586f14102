package io.vilstream.model.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

import io.vilstream.model.eval.RetrievalEvaluator;
import io.vilstream.model.eval.RetrievalMetrics;
import io.vilstream.model.towers.DualEncoder;
import io.vilstream.model.views.TrainingItem;

/**
 * The offline loop: epochs of shuffled batches from a fixed training set under a budget, with
 * an optional periodic evaluation. Used by {@code vilstream bench train} and the learning
 * tests; the online trainer replaces the fixed set with its replay buffer.
 */
public final class OfflineTraining {

    /** Steps timed before a time budget is turned into a step count for the schedule. */
    private static final int CALIBRATION_STEPS = 20;

    /**
     * Under a time budget the step count is estimated again this often, from the steps since the
     * last estimate: the first steps are slower (a frozen text backbone encodes each new text
     * once), so the first estimate alone would end the schedule's decay well before the time.
     */
    private static final int RECALIBRATE_EVERY = 200;

    private OfflineTraining() {
    }

    /** Progress reported every {@code logEvery} steps and at every evaluation. */
    public record Progress(StepResult step, RetrievalMetrics eval, double elapsedSeconds) {
    }

    /**
     * What the run did.
     *
     * @param bestStep  with {@code keepBest}, the step whose weights the model holds at the end
     *                  (the last step when no earlier evaluation scored higher); -1 without
     * @param bestScore that step's mean recall on the evaluation items (NaN without)
     */
    public record Outcome(long steps, double seconds, double itemsPerSecond, StepResult last, long bestStep,
                          double bestScore) {
    }

    /**
     * Trains until the budget is spent, then leaves the serving weights (the moving average, if
     * the configuration keeps one) in the model.
     *
     * @param evalItems items evaluated every {@code evalEverySteps} (0 = never); null for none
     * @param listener  progress sink (every {@code logEvery} steps, and evaluations)
     */
    public static Outcome run(ContrastiveTrainer trainer, List<TrainingItem> train, Budget budget,
                              List<TrainingItem> evalItems, int evalEverySteps, int logEvery,
                              Consumer<Progress> listener) {
        return run(trainer, train, budget, evalItems, evalEverySteps, logEvery, false, listener);
    }

    /**
     * As {@link #run(ContrastiveTrainer, List, Budget, List, int, int, Consumer)}; with
     * {@code keepBest}, the model ends with the serving weights of the evaluation (every
     * {@code evalEverySteps} and once at the end) that scored the highest mean recall on
     * {@code evalItems}: early stopping on the validation split, the offline twin of the online
     * trainer's gate. A small training set is fitted long before a time budget ends, and its
     * validation recall peaks and then falls (docs/BENCHMARKS.md).
     */
    public static Outcome run(ContrastiveTrainer trainer, List<TrainingItem> train, Budget budget,
                              List<TrainingItem> evalItems, int evalEverySteps, int logEvery, boolean keepBest,
                              Consumer<Progress> listener) {
        if (keepBest && (evalItems == null || evalItems.isEmpty() || evalEverySteps <= 0)) {
            throw new IllegalArgumentException("keepBest needs evaluation items and evalEverySteps > 0");
        }
        int batch = Math.min(trainer.config().batchSize(), train.size());
        if (batch < 2) {
            throw new IllegalArgumentException("need at least 2 training items, got " + train.size());
        }
        Random shuffle = new Random(trainer.config().seed() ^ 0x5DEECE66DL);
        List<TrainingItem> pool = new ArrayList<>(train);
        int pos = pool.size();
        long start = System.nanoTime();
        long steps = 0;
        StepResult last = null;
        DualEncoder model = trainer.model();
        long windowStart = start;
        long windowSteps = 0;
        WeightSnapshot best = null;
        long bestStep = -1;
        double bestScore = Double.NaN;
        long evaluatedAt = -1;
        double evaluated = Double.NaN;
        while (!budget.exhausted(steps, System.nanoTime() - start)) {
            if (pos + batch > pool.size()) {
                java.util.Collections.shuffle(pool, shuffle);
                pos = 0;
            }
            last = trainer.step(pool.subList(pos, pos + batch), List.of());
            pos += batch;
            steps++;
            if (budget.maxTime() != null && (steps == CALIBRATION_STEPS || steps % RECALIBRATE_EVERY == 0)) {
                long now = System.nanoTime();
                double msPerStep = (now - windowStart) / 1e6 / (steps - windowSteps);
                long total = trainer.step() - steps + budget.scheduleSteps(steps, now - start, msPerStep);
                trainer.reschedule(trainer.schedule().withTotalSteps((int) Math.min(Integer.MAX_VALUE, total)));
                windowStart = now;
                windowSteps = steps;
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            boolean evalNow = evalItems != null && evalEverySteps > 0 && steps % evalEverySteps == 0;
            if (evalNow) {
                RetrievalMetrics m = trainer.withServingWeights(() -> RetrievalEvaluator.evaluate(model, evalItems));
                evaluatedAt = steps;
                evaluated = m.meanRecall();
                if (keepBest && !(evaluated <= bestScore)) {
                    best = trainer.withServingWeights(() -> WeightSnapshot.of(model.block()));
                    bestStep = steps;
                    bestScore = evaluated;
                }
                listener.accept(new Progress(last, m, elapsed));
            } else if (logEvery > 0 && steps % logEvery == 0) {
                listener.accept(new Progress(last, null, elapsed));
            }
        }
        trainer.finish();
        if (keepBest && bestStep != steps) {
            // the last step's serving weights, unless the loop has just evaluated them
            double end = evaluatedAt == steps ? evaluated : RetrievalEvaluator.evaluate(model, evalItems).meanRecall();
            if (best != null && end < bestScore) {
                best.restore();
            } else {
                bestStep = steps;
                bestScore = end;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Outcome(steps, seconds, steps * (double) batch / Math.max(seconds, 1e-9), last, bestStep, bestScore);
    }
}
