package io.vilstream.cli.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import io.vilstream.model.config.ModelConfig;
import io.vilstream.model.eval.HubnessCorrection;
import io.vilstream.model.eval.Recall;
import io.vilstream.model.eval.RetrievalEvaluator;
import io.vilstream.model.eval.RetrievalMetrics;
import io.vilstream.model.eval.TaggerMetrics;
import io.vilstream.model.image.ImageAugmenter;
import io.vilstream.model.loss.LossWeights;
import io.vilstream.model.loss.ViewPair;
import io.vilstream.model.tagger.TagVocabulary;
import io.vilstream.model.towers.DualEncoder;
import io.vilstream.model.training.Budget;
import io.vilstream.model.training.ContrastiveTrainer;
import io.vilstream.model.training.OfflineTraining;
import io.vilstream.model.training.TrainingConfig;
import io.vilstream.model.views.TrainingItem;

/**
 * {@code vilstream bench train}: trains from scratch on the train split under a budget and
 * evaluates on the test split (unseen emoji): Recall@1/5/10 both ways and the tagger's P@5/R@5,
 * mean and spread over seeds. Variants (the ablation: view pairs, text sides, heads) run at the
 * same budget. With a held-out vendor it trains on the other vendors' drawings only, then also
 * queries with the held-out drawings against all train names and against the test names.
 */
public final class TrainBenchmark {

    /**
     * A variant: its name in the table and the JSON, and what it changes from the base
     * model architecture and training configuration.
     */
    public record Variant(String name, UnaryOperator<ModelConfig> model, UnaryOperator<TrainingConfig> training) {

        static Variant weights(String name, LossWeights w) {
            return new Variant(name, m -> m, t -> t.withWeights(w));
        }
    }

    public static final Variant SINGLE_VIEW = Variant.weights("single_view", LossWeights.singleView());
    public static final Variant MULTI_VIEW_NO_TAGS = Variant.weights("multi_view_no_tags", LossWeights.multiViewNoTags());
    public static final Variant MULTI_VIEW = Variant.weights("multi_view", LossWeights.multiView());

    /** Every variant by name: {@code --variants} picks from these. */
    public static final Map<String, Variant> CATALOGUE = catalogue();

    private static Map<String, Variant> catalogue() {
        Map<String, Variant> c = new LinkedHashMap<>();
        for (Variant v : List.of(SINGLE_VIEW, MULTI_VIEW_NO_TAGS, MULTI_VIEW)) {
            c.put(v.name(), v);
        }
        c.put("hashed_text", new Variant("hashed_text", m -> ModelConfig.hashed(), t -> t));
        for (String head : ModelConfig.TEXT_HEADS) {
            String name = "head_" + head;
            c.put(name, new Variant(name, m -> m.withTextBackbone(ModelConfig.minilm(head).textBackbone(), head,
                    ModelConfig.minilm(head).embeddingDim()), t -> t));
        }
        c.put("names_only", new Variant("names_only", m -> m,
                t -> t.withViews(t.views().withPrimaryCaptionProbability(1f).withKeywordPhraseProbability(0f))));
        c.put("both_renditions", Variant.weights("both_renditions", LossWeights.multiView().with(ViewPair.IMAGE2_TEXT, 1f)));
        c.put("both_renditions_wd", new Variant("both_renditions_wd", m -> m,
                t -> t.withWeights(LossWeights.multiView().with(ViewPair.IMAGE2_TEXT, 1f)).withWeightDecay(0.3f)));
        c.put("both_renditions_avg", new Variant("both_renditions_avg", m -> m,
                t -> t.withWeights(LossWeights.multiView().with(ViewPair.IMAGE2_TEXT, 1f)).withAveraging(0.995f)));
        c.put("both_renditions_soft", Variant.weights("both_renditions_soft",
                LossWeights.multiView().with(ViewPair.IMAGE2_TEXT, 1f).withSoftTargets(0.2f)));
        c.put("caption_bank", new Variant("caption_bank", m -> m, t -> t.withCaptionBank(2048)));
        c.put("caption_bank_both", new Variant("caption_bank_both", m -> m,
                t -> t.withWeights(LossWeights.multiView().with(ViewPair.IMAGE2_TEXT, 1f)).withCaptionBank(2048)));
        // heavier geometry and background changes on both image views (colour kept: it is meaning)
        ImageAugmenter.Settings strong = new ImageAugmenter.Settings(
                0.4f, 0.8f, 0.3f, 0.3f, 0.2f, 0f, 0f, 0.4f, 0.1f, 1.5f, 0f, 20f, 0.55f, 0.5f);
        c.put("strong_aug", new Variant("strong_aug", m -> m, t -> t.withAugmentation(strong, strong)));
        c.put("wide_image", new Variant("wide_image", m -> m.withImageWidths(List.of(48, 96, 192, 384)), t -> t));
        // the frozen pretrained image network beside the CNN (the default preset, minilm-mobilenet), without it
        // (preset minilm), and with the second rendition's term (I′, T) off
        c.put("image_backbone", new Variant("image_backbone",
                m -> m.withImageBackbone(ModelConfig.minilmMobilenet().imageBackbone()), t -> t));
        c.put("no_mirror_view", new Variant("no_mirror_view", m -> m.withImageBackbone("mobilenet-v2"), t -> t));
        c.put("no_image_backbone", new Variant("no_image_backbone", m -> m.withImageBackbone(null), t -> t));
        c.put("no_second_rendition_text", Variant.weights("no_second_rendition_text",
                LossWeights.multiView().with(ViewPair.IMAGE2_TEXT, 0f)));
        c.put("weight_decay_005", new Variant("weight_decay_005", m -> m,
                t -> t.withWeightDecay(io.vilstream.model.training.TrainingConfig.DEFAULT_WEIGHT_DECAY)));
        c.put("averaged", new Variant("averaged", m -> m, t -> t.withAveraging(0.995f)));
        c.put("half_lr", new Variant("half_lr", m -> m, t -> t.withSchedule(new io.vilstream.model.training.LearningRateSchedule(
                t.schedule().peak() / 2, t.schedule().min(), t.schedule().warmupSteps(), t.schedule().totalSteps()))));
        return Map.copyOf(c);
    }

    /** One run's outcome; the held-out figures are null without a held-out vendor. */
    public record Run(String variant, long seed, RetrievalMetrics test, RetrievalMetrics val, TaggerMetrics tagger, long steps,
                      double seconds, long keptStep, RetrievalMetrics testCosine, RetrievalMetrics heldOutTrainNames,
                      RetrievalMetrics heldOutTestNames) {
    }

    private final EmojiTrainingData data;
    private final ModelConfig modelConfig;
    private final Budget budget;
    private final int batchSize;
    private final PrintStream out;
    private boolean textAugmentation = true;
    private boolean keepBest = true;
    private EmojiTrainingData.HeldOut heldOut;

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

    /**
     * Whether each run ends with the weights of its best evaluation on the validation split (on by
     * default: early stopping, as the online trainer's gate keeps the best version; off to measure
     * the last step's weights).
     */
    public TrainBenchmark keepBest(boolean on) {
        this.keepBest = on;
        return this;
    }

    /** Validation split evaluated this often (steps), and at the end: the points early stopping chooses from. */
    static final int EVAL_EVERY = 250;

    /** Trains without one vendor's drawings and reports retrieval with them (null: the usual protocol). */
    public TrainBenchmark holdOut(io.vilstream.datasets.item.Vendor vendor) {
        this.heldOut = vendor == null ? null : data.holdOut(vendor);
        return this;
    }

    /** The tag vocabulary: keywords of at least two train items (a tag seen once cannot generalise). */
    public static TagVocabulary vocabulary(List<TrainingItem> train) {
        return TagVocabulary.build(train.stream().map(TrainingItem::tags).toList(), 2, 4096);
    }

    public Run run(Variant variant, long seed) {
        List<TrainingItem> train = heldOut != null ? heldOut.training().train() : data.train();
        TagVocabulary vocab = vocabulary(train);
        ModelConfig mc = variant.model().apply(modelConfig);
        try (DualEncoder model = DualEncoder.create(mc, vocab, seed)) {
            TrainingConfig config = TrainingConfig.forModel(mc, seed, budget.maxSteps() > 0 ? (int) budget.maxSteps() : 0)
                    .withBatchSize(Math.min(batchSize, train.size()));
            config = variant.training().apply(config);
            if (!textAugmentation) {
                config = config.withViews(config.views().withoutTextAugmentation());
            }
            ContrastiveTrainer trainer = new ContrastiveTrainer(model, config);
            OfflineTraining.Outcome o = OfflineTraining.run(trainer, train, budget, data.val(), EVAL_EVERY, 100, keepBest, p -> {
                if (p.eval() != null) {
                    out.printf("  [%s seed %d] %5.0fs step %5d loss %.3f  val R@10 i2t %.3f t2i %.3f%n", variant.name(), seed,
                            p.elapsedSeconds(), p.step().step(), p.step().loss(), p.eval().i2t().r10(), p.eval().t2i().r10());
                } else {
                    out.printf("  [%s seed %d] %5.0fs step %5d loss %.3f%n", variant.name(), seed,
                            p.elapsedSeconds(), p.step().step(), p.step().loss());
                }
            });
            if (keepBest) {
                out.printf("  [%s seed %d] kept the weights of step %d of %d (validation mean recall %.3f)%n", variant.name(),
                        seed, o.bestStep(), o.steps(), o.bestScore());
            }
            float[][] testImages = RetrievalEvaluator.encodeImages(model, data.test());
            float[][] testTexts = RetrievalEvaluator.encodeTexts(model, data.test());
            RetrievalMetrics test = RetrievalEvaluator.fromEmbeddings(testImages, testTexts);
            // the same embeddings ranked by cosine alone: what the hubness correction adds, in the same run
            RetrievalMetrics testCosine = RetrievalEvaluator.fromEmbeddings(testImages, testTexts, HubnessCorrection.NONE);
            RetrievalMetrics val = RetrievalEvaluator.evaluate(model, data.val());
            TaggerMetrics tagger = RetrievalEvaluator.tagger(model, data.test());
            RetrievalMetrics hoTrain = null;
            RetrievalMetrics hoTest = null;
            if (heldOut != null) {
                hoTrain = RetrievalEvaluator.evaluate(model, heldOut.trainQueries());
                hoTest = RetrievalEvaluator.evaluate(model, heldOut.testQueries());
            }
            out.printf("  [%s seed %d] done: %d steps in %.0f s (%.0f items/s); test R@1 i2t %.3f t2i %.3f, R@10 i2t %.3f t2i %.3f%n",
                    variant.name(), seed, o.steps(), o.seconds(), o.itemsPerSecond(), test.i2t().r1(), test.t2i().r1(),
                    test.i2t().r10(), test.t2i().r10());
            out.printf("  [%s seed %d] ranked by cosine alone: test R@1 i2t %.3f t2i %.3f, R@10 i2t %.3f t2i %.3f%n",
                    variant.name(), seed, testCosine.i2t().r1(), testCosine.t2i().r1(), testCosine.i2t().r10(),
                    testCosine.t2i().r10());
            if (heldOut != null) {
                out.printf("  [%s seed %d] held-out %s drawings: i2t R@1 %.3f over %d train names, %.3f over %d test names%n",
                        variant.name(), seed, heldOut.vendor(), hoTrain.i2t().r1(), hoTrain.queries(), hoTest.i2t().r1(),
                        hoTest.queries());
            }
            if (model.hasTextBackbone()) {
                var cache = model.textBackbone().cache();
                out.printf("  [%s seed %d] text cache: %d texts, %d hits, %d misses%n", variant.name(), seed, cache.size(),
                        cache.hits(), cache.misses());
            }
            return new Run(variant.name(), seed, test, val, tagger, o.steps(), o.seconds(), o.bestStep(), testCosine, hoTrain,
                    hoTest);
        }
    }

    /** Runs variants × seeds; returns the JSON-shaped summary: per variant the mean, spread and each seed. */
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
        budgetJson.put("keep_best_validation", keepBest);
        budgetJson.put("dataset", data.source().id());
        budgetJson.put("train_items", data.train().size());
        budgetJson.put("test_items", data.test().size());
        if (heldOut != null) {
            budgetJson.put("held_out_vendor", heldOut.vendor());
        }
        result.put("budget", budgetJson);
        result.put("model", modelConfig);
        Map<String, Object> variantsJson = new LinkedHashMap<>();
        List<Row> rows = new ArrayList<>();
        for (Variant v : variants) {
            List<Run> runs = new ArrayList<>();
            for (int s = 0; s < seeds; s++) {
                runs.add(run(v, 1000L + s));
            }
            Row row = Row.of(v.name(), runs);
            rows.add(row);
            variantsJson.put(v.name(), row.json());
        }
        result.put("variants", variantsJson);
        printTable(rows, seeds);
        return result;
    }

    /** A variant's runs summarised. */
    record Row(String name, List<Run> runs) {

        static Row of(String name, List<Run> runs) {
            return new Row(name, List.copyOf(runs));
        }

        Spread stat(java.util.function.ToDoubleFunction<Run> f) {
            return Spread.of(runs.stream().mapToDouble(f).toArray());
        }

        Map<String, Object> json() {
            Map<String, Object> j = new LinkedHashMap<>();
            Map<String, Object> test = new LinkedHashMap<>();
            test.put("i2t", recallJson(Recall.mean(runs.stream().map(r -> r.test().i2t()).toList())));
            test.put("t2i", recallJson(Recall.mean(runs.stream().map(r -> r.test().t2i()).toList())));
            j.put("test", test);
            j.put("test_cosine_ranking", Map.of(
                    "i2t", recallJson(Recall.mean(runs.stream().map(r -> r.testCosine().i2t()).toList())),
                    "t2i", recallJson(Recall.mean(runs.stream().map(r -> r.testCosine().t2i()).toList()))));
            // the validation split decides between variants (the test split only reports)
            j.put("val", Map.of(
                    "i2t", recallJson(Recall.mean(runs.stream().map(r -> r.val().i2t()).toList())),
                    "t2i", recallJson(Recall.mean(runs.stream().map(r -> r.val().t2i()).toList()))));
            Map<String, Object> spread = new LinkedHashMap<>();
            spread.put("i2t_r1", stat(r -> r.test().i2t().r1()).json());
            spread.put("i2t_r10", stat(r -> r.test().i2t().r10()).json());
            spread.put("t2i_r1", stat(r -> r.test().t2i().r1()).json());
            spread.put("t2i_r10", stat(r -> r.test().t2i().r10()).json());
            j.put("spread", spread);
            j.put("tagger", Map.of("p5", round(stat(r -> r.tagger().p5()).mean()), "r5", round(stat(r -> r.tagger().r5()).mean())));
            if (runs.get(0).heldOutTrainNames() != null) {
                j.put("held_out", Map.of(
                        "i2t_r1_train_names", stat(r -> r.heldOutTrainNames().i2t().r1()).json(),
                        "i2t_r10_train_names", stat(r -> r.heldOutTrainNames().i2t().r10()).json(),
                        "i2t_r1_test_names", stat(r -> r.heldOutTestNames().i2t().r1()).json(),
                        "i2t_r10_test_names", stat(r -> r.heldOutTestNames().i2t().r10()).json()));
            }
            j.put("seeds", runs.size());
            j.put("train_seconds", round(stat(Run::seconds).mean()));
            j.put("steps", Math.round(stat(Run::steps).mean()));
            List<Map<String, Object>> each = new ArrayList<>();
            for (Run r : runs) {
                each.add(Map.of("seed", r.seed(), "steps", r.steps(), "kept_step", r.keptStep(),
                        "i2t", recallJson(r.test().i2t()), "t2i", recallJson(r.test().t2i()),
                        "val", Map.of("i2t", recallJson(r.val().i2t()), "t2i", recallJson(r.val().t2i()))));
            }
            j.put("runs", each);
            return j;
        }
    }

    /** Mean and range of one figure over seeds. */
    record Spread(double mean, double min, double max) {
        static Spread of(double[] v) {
            double sum = 0;
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (double x : v) {
                sum += x;
                lo = Math.min(lo, x);
                hi = Math.max(hi, x);
            }
            return new Spread(v.length == 0 ? 0 : sum / v.length, lo, hi);
        }

        Map<String, Object> json() {
            return Map.of("mean", round(mean), "min", round(min), "max", round(max));
        }

        String text() {
            return String.format("%.3f [%.3f–%.3f]", mean, min, max);
        }
    }

    private void printTable(List<Row> rows, int seeds) {
        out.println();
        out.printf("test split (unseen emoji), mean [min–max] of %d seed(s)%n", seeds);
        out.printf("%-20s | %-21s | %-21s | %-21s | %-21s | %7s%n", "variant", "image→text R@1", "image→text R@10",
                "text→image R@1", "text→image R@10", "steps");
        out.println("-".repeat(128));
        for (Row r : rows) {
            out.printf("%-20s | %-21s | %-21s | %-21s | %-21s | %7d%n", r.name(),
                    r.stat(x -> x.test().i2t().r1()).text(), r.stat(x -> x.test().i2t().r10()).text(),
                    r.stat(x -> x.test().t2i().r1()).text(), r.stat(x -> x.test().t2i().r10()).text(),
                    Math.round(r.stat(Run::steps).mean()));
        }
        out.println();
        out.println("the same test embeddings ranked by cosine alone (no hubness correction), mean R@1 / R@10");
        for (Row r : rows) {
            out.printf("%-20s | image→text %.3f / %.3f | text→image %.3f / %.3f%n", r.name(),
                    r.stat(x -> x.testCosine().i2t().r1()).mean(), r.stat(x -> x.testCosine().i2t().r10()).mean(),
                    r.stat(x -> x.testCosine().t2i().r1()).mean(), r.stat(x -> x.testCosine().t2i().r10()).mean());
        }
        out.println();
        out.println("validation split (what decides between variants), mean R@1 / R@10");
        for (Row r : rows) {
            out.printf("%-20s | image→text %.3f / %.3f | text→image %.3f / %.3f%n", r.name(),
                    r.stat(x -> x.val().i2t().r1()).mean(), r.stat(x -> x.val().i2t().r10()).mean(),
                    r.stat(x -> x.val().t2i().r1()).mean(), r.stat(x -> x.val().t2i().r10()).mean());
        }
        if (heldOut != null) {
            out.println();
            out.printf("held-out %s drawings (trained on the other vendor only), image→text R@1 / R@10%n", heldOut.vendor());
            out.printf("%-20s | %-21s | %-21s | %-21s | %-21s%n", "variant", "R@1 vs train names", "R@10 vs train names",
                    "R@1 vs test names", "R@10 vs test names");
            for (Row r : rows) {
                out.printf("%-20s | %-21s | %-21s | %-21s | %-21s%n", r.name(),
                        r.stat(x -> x.heldOutTrainNames().i2t().r1()).text(), r.stat(x -> x.heldOutTrainNames().i2t().r10()).text(),
                        r.stat(x -> x.heldOutTestNames().i2t().r1()).text(), r.stat(x -> x.heldOutTestNames().i2t().r10()).text());
            }
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
