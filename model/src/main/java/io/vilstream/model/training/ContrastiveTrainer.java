package io.vilstream.model.training;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import io.vilstream.model.loss.MultiViewContrastiveLoss;
import io.vilstream.model.loss.ViewEmbeddings;
import io.vilstream.model.loss.ViewPair;
import io.vilstream.model.runtime.DjlRuntime;
import io.vilstream.model.tagger.ScoredTag;
import io.vilstream.model.towers.DualEncoder;
import io.vilstream.model.towers.DualEncoderBlock;
import io.vilstream.model.views.ItemViews;
import io.vilstream.model.views.TrainingItem;
import io.vilstream.model.views.ViewSampler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One optimisation step of the multi-view contrastive loss on a batch of items and their hard
 * negatives: sample views, run both towers once over all views (2 image and 3 text passes
 * per item), compute the loss, back-propagate, AdamW-update every parameter, clamp the logit
 * scales to [0, ln 100] (for real: the released ERNIE code's clamp is not in place).
 *
 * <p>Owns the training state of one model (optimiser moments, step count, RNG); used by the
 * offline loop and the online trainer alike. Not thread-safe; libtorch allows one gradient
 * collector per JVM at a time, so one trainer trains at a time.
 */
public final class ContrastiveTrainer {

    private static final Logger log = LoggerFactory.getLogger(ContrastiveTrainer.class);

    private final DualEncoder model;
    private final TrainingConfig config;
    private final MultiViewContrastiveLoss loss;
    private final ViewSampler sampler;
    private final Optimizer optimizer;
    private final SplittableRandom rng;
    private long step;
    private long skipped;
    private volatile LearningRateSchedule schedule;
    private final WeightAverage average;
    /** Recently trained items' captions by id, least recently trained first (TrainingConfig.captionBank). */
    private final LinkedHashMap<String, String> captionBank = new LinkedHashMap<>(16, 0.75f, true);

    public ContrastiveTrainer(DualEncoder model, TrainingConfig config) {
        this(model, config, model.trainingStep());
    }

    public ContrastiveTrainer(DualEncoder model, TrainingConfig config, long startStep) {
        this.model = model;
        this.config = config;
        this.schedule = config.schedule();
        this.loss = new MultiViewContrastiveLoss(config.weights(), model.block().scaleCount() == 1);
        this.sampler = new ViewSampler(model.config().imageSize(), config.textSideAugment(),
                config.imageSideAugment(), config.views());
        this.optimizer = Optimizer.adamW()
                .optLearningRateTracker((Tracker) n -> schedule.at(step))
                .optWeightDecays(config.weightDecay())
                .build();
        this.rng = new SplittableRandom(config.seed());
        this.step = startStep;
        this.average = config.averaging() > 0 ? new WeightAverage(model.block(), model.manager(), config.averaging()) : null;
    }

    /**
     * Runs {@code f} with the weights evaluation and publication read: the moving average when
     * {@code TrainingConfig.averaging} is set, else the raw weights.
     */
    public <T> T withServingWeights(java.util.function.Supplier<T> f) {
        return average == null ? f.get() : average.apply(f);
    }

    /** Puts the serving weights (the average, if any) in the model for good: the end of an offline run. */
    public void finish() {
        if (average != null) {
            average.adopt();
        }
    }

    public long step() {
        return step;
    }

    public DualEncoder model() {
        return model;
    }

    public TrainingConfig config() {
        return config;
    }

    /**
     * Replaces the learning-rate schedule from the next step on (a time-budgeted run learns its
     * step count only after measuring a few steps).
     */
    public void reschedule(LearningRateSchedule s) {
        this.schedule = s;
    }

    public LearningRateSchedule schedule() {
        return schedule;
    }

    /** Whether hard negatives are used at the current step. */
    public boolean hardNegativesActive() {
        return step >= config.hardNegativeWarmupSteps() && config.maxHardNegatives() > 0;
    }

    /**
     * Trains one step.
     *
     * @param batch         the anchors (at least 2)
     * @param hardNegatives extra candidates (not anchors); ignored during warm-up and when they
     *                      are anchors of this batch themselves
     */
    public StepResult step(List<TrainingItem> batch, List<TrainingItem> hardNegatives) {
        return pass(batch, hardNegatives, this::update, true);
    }

    /**
     * Forward and backward on a batch without updating anything: the L2 norm of each
     * trainable parameter's gradient, by parameter name. A diagnostic (and the test that every
     * parameter of both towers, the tagger and the scales is reached by the loss).
     */
    public Map<String, Float> gradientNorms(List<TrainingItem> batch, List<TrainingItem> hardNegatives) {
        Map<String, Float> norms = new LinkedHashMap<>();
        pass(batch, hardNegatives, block -> {
            for (Pair<String, Parameter> p : block.getParameters()) {
                Parameter param = p.getValue();
                if (!param.requiresGradient()) {
                    continue;
                }
                try (NDArray grad = param.getArray().getGradient()) {
                    norms.put(p.getKey(), grad.square().sum().sqrt().getFloat());
                }
                JniUtils.zeroGrad((PtNDArray) param.getArray()); // zeroes the weight's .grad
            }
        }, false);
        return norms;
    }

    /** One forward/backward; {@code afterBackward} consumes the gradients. */
    private StepResult pass(List<TrainingItem> batch, List<TrainingItem> hardNegatives,
                            Consumer<DualEncoderBlock> afterBackward, boolean advance) {
        if (batch.size() < 2) {
            throw new IllegalArgumentException("a contrastive step needs at least 2 items, got " + batch.size());
        }
        long t0 = System.nanoTime();
        StepInputs in = assemble(batch, hardNegatives);
        DualEncoderBlock block = model.block();
        Map<String, Float> terms = new LinkedHashMap<>();
        float total;
        try (NDManager sm = model.manager().newSubManager()) {
            ParameterStore ps = new ParameterStore(sm, false);
            try (GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
                NDArray features = block.imageFeatures(ps, model.imageBatch(sm, in.images()),
                        model.imageBackboneBatch(sm, in.sources()), true);
                ViewEmbeddings ve = embed(ps, sm, in, features);
                TaggerTargets tags = taggerTargets(sm, in.items());
                NDArray tagLogits = tags == null ? null : block.tagLogits(ps, rows(features, 0, in.items().size()), true);
                MultiViewContrastiveLoss.Result result = loss.compute(ve, block.logitScales(ps, ve.image(), true),
                        tagLogits, tags == null ? null : tags.targets(), tags == null ? null : tags.mask());
                total = result.total().getFloat();
                result.terms().forEach((pair, a) -> terms.put(pair.label(), a.getFloat()));
                if (result.tagger() != null) {
                    terms.put("tagger", result.tagger().getFloat());
                }
                if (Float.isFinite(total)) {
                    gc.backward(result.total());
                }
            }
            if (Float.isFinite(total)) {
                afterBackward.accept(block);
            } else {
                skipNonFinite(block, terms);
            }
        }
        float lr = schedule.at(step);
        if (advance) {
            remember(batch);
            clampScales(block);
            step++;
            if (average != null) {
                average.update();
            }
        }
        return new StepResult(step, total, terms, model.logitScales(), in.negatives().size(), lr,
                (System.nanoTime() - t0) / 1_000_000);
    }

    /**
     * What one step feeds the towers: the anchors (items with a tag sequence first, so the
     * I–T_tag term is a prefix slice) with their sampled views, the hard negatives, and the image
     * and text inputs in the order {@link #embed} slices them.
     *
     * @param tagged      anchors with a tag sequence (a prefix of {@code items})
     * @param negTagTexts tag sequences of the negatives that have one
     */
    private record StepInputs(List<TrainingItem> items, List<ItemViews> views, List<TrainingItem> negatives,
                              int tagged, boolean useI2, boolean useT2, boolean useTags,
                              List<float[]> images, List<float[]> sources, List<String> texts, List<String> negTagTexts,
                              int banked) {
    }

    /** Adds the anchors' captions to the bank, dropping the least recently trained beyond its size. */
    private void remember(List<TrainingItem> batch) {
        int size = config.captionBank();
        if (size <= 0) {
            return;
        }
        for (TrainingItem it : batch) {
            captionBank.put(it.id(), it.caption());
        }
        var eldest = captionBank.entrySet().iterator();
        while (captionBank.size() > size) {
            eldest.next();
            eldest.remove();
        }
    }

    /** Captions in the bank currently (a diagnostic). */
    public int captionBankSize() {
        return captionBank.size();
    }

    /**
     * The bank's captions that may stand as negatives of this step: not an anchor's or a hard
     * negative's (their own captions are already candidates), and not a text equal to an
     * anchor's caption (two items named alike would be a false negative).
     */
    private List<String> bankedCaptions(List<TrainingItem> anchors, List<TrainingItem> negatives) {
        if (captionBank.isEmpty()) {
            return List.of();
        }
        Set<String> ids = new HashSet<>();
        Set<String> texts = new HashSet<>();
        for (TrainingItem it : anchors) {
            ids.add(it.id());
            texts.add(it.caption());
        }
        negatives.forEach(it -> ids.add(it.id()));
        List<String> out = new ArrayList<>(captionBank.size());
        // iterating a view of an access-ordered map does not reorder it
        for (Map.Entry<String, String> e : captionBank.entrySet()) {
            if (!ids.contains(e.getKey()) && !texts.contains(e.getValue())) {
                out.add(e.getValue());
            }
        }
        return out;
    }

    /** Samples the views and lays out the tower inputs: I, I′, negatives' images; T, T′, T_tag, negatives' texts. */
    private StepInputs assemble(List<TrainingItem> batch, List<TrainingItem> hardNegatives) {
        boolean needTags = config.weights().enabled(ViewPair.IMAGE_TAGS);
        List<TrainingItem> items = new ArrayList<>(batch);
        List<List<String>> generated = generatedTags(items, needTags);
        List<ItemViews> views = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            views.add(sampler.sample(items.get(i), generated.get(i), rng));
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparing(i -> views.get(i).tagText() == null));
        List<TrainingItem> sortedItems = order.stream().map(items::get).toList();
        List<ItemViews> sortedViews = order.stream().map(views::get).toList();
        List<TrainingItem> negatives = selectNegatives(sortedItems, hardNegatives);
        List<List<String>> negGenerated = generatedTags(negatives, needTags);

        int tagged = (int) sortedViews.stream().filter(v -> v.tagText() != null).count();
        boolean useI2 = config.weights().enabled(ViewPair.IMAGE_IMAGE) || config.weights().enabled(ViewPair.IMAGE2_TEXT);
        boolean useT2 = config.weights().enabled(ViewPair.TEXT_TEXT);
        boolean useTags = needTags && tagged >= 2;

        List<float[]> images = new ArrayList<>();
        List<float[]> sources = new ArrayList<>(); // the renditions the views came from, for a frozen image backbone
        sortedViews.forEach(v -> {
            images.add(v.image());
            sources.add(v.source());
        });
        if (useI2) {
            sortedViews.forEach(v -> {
                images.add(v.image2());
                sources.add(v.source2());
            });
        }
        negatives.forEach(it -> {
            images.add(it.primaryImage());
            sources.add(it.primaryImage());
        });

        List<String> texts = new ArrayList<>();
        sortedViews.forEach(v -> texts.add(v.text()));
        if (useT2) {
            sortedViews.forEach(v -> texts.add(v.text2()));
        }
        if (useTags) {
            sortedViews.subList(0, tagged).forEach(v -> texts.add(v.tagText()));
        }
        negatives.forEach(it -> texts.add(it.caption()));
        List<String> negTagTexts = new ArrayList<>();
        if (useTags) {
            for (int j = 0; j < negatives.size(); j++) {
                List<String> t = negatives.get(j).tags().isEmpty() ? negGenerated.get(j) : negatives.get(j).tags();
                if (t != null && !t.isEmpty()) {
                    negTagTexts.add(String.join(" ", t.subList(0, Math.min(config.views().maxTags(), t.size()))));
                }
            }
            texts.addAll(negTagTexts);
        }
        List<String> banked = bankedCaptions(sortedItems, negatives);
        texts.addAll(banked);
        return new StepInputs(sortedItems, sortedViews, negatives, tagged, useI2, useT2, useTags, images, sources, texts,
                negTagTexts, banked.size());
    }

    /** Runs the text side and slices both towers' outputs into the loss's views. */
    private ViewEmbeddings embed(ParameterStore ps, NDManager sm, StepInputs in, NDArray features) {
        DualEncoderBlock block = model.block();
        int n = in.items().size();
        int m = in.negatives().size();
        NDArray imgEmb = block.imageEmbedding(ps, features, true);
        int off = 0;
        NDArray zI = rows(imgEmb, off, n);
        off += n;
        NDArray zI2 = null;
        if (in.useI2()) {
            zI2 = rows(imgEmb, off, n);
            off += n;
        }
        NDArray zNegI = m > 0 ? rows(imgEmb, off, m) : null;

        NDArray txtEmb = block.textEmbedding(ps, textInput(sm, in.texts()), true);
        off = 0;
        NDArray zT = rows(txtEmb, off, n);
        off += n;
        NDArray zT2 = null;
        if (in.useT2()) {
            zT2 = rows(txtEmb, off, n);
            off += n;
        }
        NDArray zTag = null;
        if (in.useTags()) {
            zTag = rows(txtEmb, off, in.tagged());
            off += in.tagged();
        }
        NDArray zNegT = m > 0 ? rows(txtEmb, off, m) : null;
        off += m;
        NDArray zNegTag = in.useTags() && !in.negTagTexts().isEmpty() ? rows(txtEmb, off, in.negTagTexts().size()) : null;
        off += in.useTags() ? in.negTagTexts().size() : 0;
        if (in.banked() > 0) {
            NDArray zBank = rows(txtEmb, off, in.banked());
            zNegT = zNegT == null ? zBank : NDArrays.concat(new NDList(zNegT, zBank), 0);
        }
        NDArray zTaggedI = in.useTags() ? rows(zI, 0, in.tagged()) : null;
        return new ViewEmbeddings(zI, zI2, zT, zT2, zTaggedI, zTag, zNegI, zNegT, zNegTag);
    }

    /** Multi-hot targets of the anchors' own tags and a mask of the anchors that have any. */
    private record TaggerTargets(NDArray targets, NDArray mask) {
    }

    /** The tagger's targets, or null when the tagger is not trained (weight 0 or no vocabulary). */
    private TaggerTargets taggerTargets(NDManager sm, List<TrainingItem> items) {
        if (config.weights().tagger() <= 0 || model.vocabulary().size() == 0) {
            return null;
        }
        int n = items.size();
        int v = model.block().tagCount();
        float[] targets = new float[n * v];
        float[] mask = new float[n];
        for (int i = 0; i < n; i++) {
            List<String> own = items.get(i).tags();
            if (!own.isEmpty()) {
                System.arraycopy(model.vocabulary().multiHot(own), 0, targets, i * v, v);
                mask[i] = 1f;
            }
        }
        return new TaggerTargets(sm.create(targets, new Shape(n, v)), sm.create(mask));
    }

    /**
     * The text side's training input: the frozen backbone's cached features, or hashed ids with
     * features hidden at random (feature dropout teaches the hashed tower to read words from
     * their n-grams; a frozen backbone has nothing to learn there).
     */
    private NDArray textInput(NDManager sm, List<String> texts) {
        return model.hasTextBackbone() ? model.textFeatures(sm, texts) : model.textBatchFromIds(sm, featureDropout(texts));
    }

    /** Tokenises training texts and hides features at random (ViewSampler.Settings: feature dropout). */
    private List<long[]> featureDropout(List<String> texts) {
        float wordDrop = config.views().wordFeatureDropout();
        float gramDrop = config.views().ngramFeatureDropout();
        int g = model.tokenizer().maxFeatures();
        List<long[]> rows = new ArrayList<>(texts.size());
        for (String t : texts) {
            long[] ids = model.tokenizer().encode(t);
            if (wordDrop > 0 || gramDrop > 0) {
                for (int w = 0; w < ids.length; w += g) {
                    if (ids[w] == 0) {
                        continue;
                    }
                    boolean hasNgrams = g > 1 && ids[w + 1] != 0;
                    if (hasNgrams && rng.nextDouble() < wordDrop) {
                        ids[w] = -1; // marked; compacted below so the word keeps its n-grams
                    }
                    for (int f = w + 1; f < w + g && ids[f] != 0; f++) {
                        if (rng.nextDouble() < gramDrop) {
                            ids[f] = -1;
                        }
                    }
                    compact(ids, w, g);
                }
            }
            rows.add(ids);
        }
        return rows;
    }

    /** Removes the -1 marks of one word slot, keeping its remaining features first. */
    private static void compact(long[] ids, int from, int width) {
        int out = from;
        for (int i = from; i < from + width; i++) {
            if (ids[i] > 0) {
                ids[out++] = ids[i];
            }
        }
        while (out < from + width) {
            ids[out++] = 0;
        }
    }

    /** [from, from+count) rows of a matrix. */
    private static NDArray rows(NDArray a, int from, int count) {
        return a.get(new NDIndex("{}:{}", from, from + count));
    }

    private List<TrainingItem> selectNegatives(List<TrainingItem> anchors, List<TrainingItem> candidates) {
        if (candidates == null || candidates.isEmpty() || !hardNegativesActive()) {
            return List.of();
        }
        Set<String> anchorIds = new HashSet<>();
        anchors.forEach(a -> anchorIds.add(a.id()));
        List<TrainingItem> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (TrainingItem c : candidates) {
            if (out.size() == config.maxHardNegatives()) {
                break;
            }
            if (!anchorIds.contains(c.id()) && seen.add(c.id())) {
                out.add(c);
            }
        }
        return out;
    }

    /** Tagger output for items without producer tags (only when the tag view is trained). */
    private List<List<String>> generatedTags(List<TrainingItem> items, boolean needed) {
        List<List<String>> out = new ArrayList<>(items.size());
        List<float[]> untagged = new ArrayList<>();
        for (TrainingItem it : items) {
            if (needed && it.tags().isEmpty()) {
                untagged.add(it.primaryImage());
            }
        }
        List<List<ScoredTag>> tags = untagged.isEmpty() ? List.of()
                : model.tagImages(untagged, config.tagTopK(), config.tagThreshold());
        int k = 0;
        for (TrainingItem it : items) {
            if (needed && it.tags().isEmpty()) {
                out.add(tags.get(k++).stream().map(ScoredTag::tag).toList());
            } else {
                out.add(List.of());
            }
        }
        return out;
    }

    /**
     * A non-finite loss must not reach the weights: the step is skipped. If the weights
     * themselves are no longer finite the model has diverged and training cannot go on from
     * it; the caller restarts from the last good checkpoint.
     */
    private void skipNonFinite(DualEncoderBlock block, Map<String, Float> terms) {
        skipped++;
        log.warn("step {}: non-finite loss {}, update skipped ({} skipped so far)", step + 1, terms, skipped);
        for (Pair<String, Parameter> p : block.getParameters()) {
            for (float f : p.getValue().getArray().toFloatArray()) {
                if (!Float.isFinite(f)) {
                    throw new ModelDivergedException(p.getKey(), step);
                }
            }
        }
    }

    /** Steps skipped because their loss was not finite. */
    public long skippedSteps() {
        return skipped;
    }

    private void update(DualEncoderBlock block) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            Parameter param = p.getValue();
            if (!param.requiresGradient()) {
                continue;
            }
            NDArray weight = param.getArray();
            try (NDArray grad = weight.getGradient()) {
                // DJL's PyTorch AdamW update also zeroes the weight's accumulated .grad
                optimizer.update(param.getId(), weight, grad);
            }
        }
    }

    private static void clampScales(DualEncoderBlock block) {
        NDArray scales = block.logitScaleParameter().getArray();
        float[] v = scales.toFloatArray();
        boolean changed = false;
        for (int i = 0; i < v.length; i++) {
            float c = Math.max(0f, Math.min(DualEncoderBlock.MAX_LOGIT_SCALE, v[i]));
            if (c != v[i]) {
                v[i] = c;
                changed = true;
            }
        }
        if (changed) {
            scales.set(v);
        }
    }
}
