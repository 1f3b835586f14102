package io.vilstream.cli.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.vilstream.model.config.ModelConfig;
import io.vilstream.model.eval.Recall;
import io.vilstream.model.eval.RetrievalEvaluator;
import io.vilstream.model.eval.RetrievalMetrics;
import io.vilstream.model.eval.TaggerMetrics;
import io.vilstream.model.loss.LossWeights;
import io.vilstream.model.tagger.TagVocabulary;
import io.vilstream.model.towers.DualEncoder;
import io.vilstream.model.training.Budget;
import io.vilstream.model.training.ContrastiveTrainer;
import io.vilstream.model.training.OfflineTraining;
import io.vilstream.model.training.TrainingConfig;
import io.vilstream.model.views.TrainingItem;

/**
 * {@code vilstream bench train}: trains from scratch on the train split under a budget and
 * evaluates on the test split (unseen emoji): Recall@1/5/10 both ways and the tagger's P@5/R@5.
 * With the ablation it runs single-view (I,T), multi-view without the tag view, and full
 * multi-view at the same budget over several seeds and reports the means.
 */
public final class TrainBenchmark {

    /** A variant's name in the JSON and its loss weights. */
    public record Variant(String name, LossWeights weights) {
    }

    public static final Variant SINGLE_VIEW = new Variant("single_view", LossWeights.singleView());
    public static final Variant MULTI_VIEW_NO_TAGS = new Variant("multi_view_no_tags", LossWeights.multiViewNoTags());
    public static final Variant MULTI_VIEW = new Variant("multi_view", LossWeights.multiView());

    /** One run's outcome. */
    public record Run(String variant, long seed, RetrievalMetrics test, TaggerMetrics tagger, long steps, double seconds) {
    }

    private final EmojiTrainingData data;
    private final ModelConfig modelConfig;
    private final Budget budget;
    private final int batchSize;
    private final PrintStream out;
    private boolean textAugmentation = true;

    public TrainBenchmark(EmojiTrainingData data, ModelConfig modelConfig, Budget budget, int batchSize, PrintStream out) {
        this.data = data;
        this.modelConfig = modelConfig;
        this.budget = budget;
        this.batchSize = batchSize;
        this.out = out;
    }

    /** Whether training texts get keyword phrases and feature dropout (on by default; off to measure them). */
    public TrainBenchmark textAugmentation(boolean on) {
        this.textAugmentation = on;
        return this;
    }

    /** The tag vocabulary: keywords of at least two train items (a tag seen once cannot generalise). */
    public static TagVocabulary vocabulary(List<TrainingItem> train) {
        return TagVocabulary.build(train.stream().map(TrainingItem::tags).toList(), 2, 4096);
    }

    public Run run(Variant variant, long seed) {
        TagVocabulary vocab = vocabulary(data.train());
        try (DualEncoder model = DualEncoder.create(modelConfig, vocab, seed)) {
            TrainingConfig config = TrainingConfig.defaults(seed, budget.maxSteps() > 0 ? (int) budget.maxSteps() : 0)
                    .withWeights(variant.weights()).withBatchSize(Math.min(batchSize, data.train().size()));
            if (!textAugmentation) {
                config = config.withViews(config.views().withoutTextAugmentation());
            }
            ContrastiveTrainer trainer = new ContrastiveTrainer(model, config);
            int evalEvery = 500;
            OfflineTraining.Outcome o = OfflineTraining.run(trainer, data.train(), budget, data.val(), evalEvery, 100, p -> {
                if (p.eval() != null) {
                    out.printf("  [%s seed %d] %5.0fs step %5d loss %.3f  val R@10 i2t %.3f t2i %.3f%n", variant.name(), seed,
                            p.elapsedSeconds(), p.step().step(), p.step().loss(), p.eval().i2t().r10(), p.eval().t2i().r10());
                }
            });
            RetrievalMetrics test = RetrievalEvaluator.evaluate(model, data.test());
            TaggerMetrics tagger = RetrievalEvaluator.tagger(model, data.test());
            out.printf("  [%s seed %d] done: %d steps in %.0f s (%.0f items/s); test R@10 i2t %.3f t2i %.3f%n",
                    variant.name(), seed, o.steps(), o.seconds(), o.itemsPerSecond(), test.i2t().r10(), test.t2i().r10());
            return new Run(variant.name(), seed, test, tagger, o.steps(), o.seconds());
        }
    }

    /** Runs variants × seeds; returns the JSON-shaped summary of means. */
    public Map<String, Object> runAll(List<Variant> variants, int seeds) {
        Map<String, Object> result = new LinkedHashMap<>();
        Map<String, Object> budgetJson = new LinkedHashMap<>();
        if (budget.maxTime() != null) {
            budgetJson.put("minutes", budget.maxTime().toSeconds() / 60.0);
        }
        if (budget.maxSteps() > 0) {
            budgetJson.put("steps", budget.maxSteps());
        }
        budgetJson.put("batch_size", batchSize);
        budgetJson.put("text_augmentation", textAugmentation);
        budgetJson.put("dataset", data.source().id());
        budgetJson.put("train_items", data.train().size());
        budgetJson.put("test_items", data.test().size());
        result.put("budget", budgetJson);
        Map<String, Object> variantsJson = new LinkedHashMap<>();
        List<Object[]> rows = new ArrayList<>();
        for (Variant v : variants) {
            List<Run> runs = new ArrayList<>();
            for (int s = 0; s < seeds; s++) {
                runs.add(run(v, 1000L + s));
            }
            Recall i2t = Recall.mean(runs.stream().map(r -> r.test().i2t()).toList());
            Recall t2i = Recall.mean(runs.stream().map(r -> r.test().t2i()).toList());
            double p5 = runs.stream().mapToDouble(r -> r.tagger().p5()).average().orElse(0);
            double r5 = runs.stream().mapToDouble(r -> r.tagger().r5()).average().orElse(0);
            double secs = runs.stream().mapToDouble(Run::seconds).average().orElse(0);
            double steps = runs.stream().mapToDouble(Run::steps).average().orElse(0);
            variantsJson.put(v.name(), Map.of(
                    "test", Map.of("i2t", recallJson(i2t), "t2i", recallJson(t2i)),
                    "tagger", Map.of("p5", round(p5), "r5", round(r5)),
                    "seeds", seeds,
                    "train_seconds", round(secs),
                    "steps", Math.round(steps)));
            rows.add(new Object[] {v.name(), i2t, t2i, p5, r5, steps, secs});
        }
        result.put("variants", variantsJson);
        printTable(rows, seeds);
        return result;
    }

    private void printTable(List<Object[]> rows, int seeds) {
        out.println();
        out.printf("test split (unseen emoji), mean of %d seed(s)%n", seeds);
        out.printf("%-20s | %-23s | %-23s | %-13s | %7s%n", "variant", "image→text R@1/5/10", "text→image R@1/5/10", "tagger P@5/R@5", "steps");
        out.println("-".repeat(97));
        for (Object[] r : rows) {
            Recall a = (Recall) r[1];
            Recall b = (Recall) r[2];
            out.printf("%-20s | %.3f / %.3f / %.3f   | %.3f / %.3f / %.3f   | %.3f / %.3f | %7.0f%n",
                    r[0], a.r1(), a.r5(), a.r10(), b.r1(), b.r5(), b.r10(), (double) r[3], (double) r[4], (double) r[5]);
        }
    }

    static Map<String, Object> recallJson(Recall r) {
        return Map.of("r1", round(r.r1()), "r5", round(r.r5()), "r10", round(r.r10()));
    }

    static double round(double v) {
        return Math.round(v * 10000) / 10000.0;
    }

    public static Budget budget(Double minutes, Long steps) {
        Duration time = minutes == null ? null : Duration.ofMillis((long) (minutes * 60_000));
        return new Budget(steps == null ? 0 : steps, time);
    }
}
