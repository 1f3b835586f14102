package io.vilstream.model.training;

import io.vilstream.model.image.ImageAugmenter;
import io.vilstream.model.loss.LossWeights;
import io.vilstream.model.views.ViewSampler;

/**
 * How the contrastive trainer learns: optimiser, schedule, loss weights, views and hard
 * negatives. Shared by the offline loop ({@code bench train}) and the online trainer.
 *
 * @param batchSize               items (anchors) per step
 * @param schedule                learning rate over steps
 * @param weightDecay             AdamW decoupled weight decay
 * @param weights                 λ per view pair and the tagger
 * @param views                   caption and tag view settings
 * @param textSideAugment         augmentation of view I (matched with text)
 * @param imageSideAugment        augmentation of view I′
 * @param hardNegativeWarmupSteps steps before hard negatives join the loss (VSE++: too early stalls learning)
 * @param maxHardNegatives        extra candidate columns per step at most
 * @param tagTopK                 generated tags per image for items without tags
 * @param tagThreshold            probability a generated tag needs
 * @param seed                    view sampling and batch order
 * @param averaging               decay of the exponential moving average of the weights that
 *                                evaluation and publication read (Polyak averaging); 0 = the raw
 *                                weights
 * @param captionBank             captions of recently trained items kept as extra text-side
 *                                candidates of every image→caption direction (0 = in-batch
 *                                only); re-embedded each step, so never stale
 */
public record TrainingConfig(
        int batchSize,
        LearningRateSchedule schedule,
        float weightDecay,
        LossWeights weights,
        ViewSampler.Settings views,
        ImageAugmenter.Settings textSideAugment,
        ImageAugmenter.Settings imageSideAugment,
        int hardNegativeWarmupSteps,
        int maxHardNegatives,
        int tagTopK,
        float tagThreshold,
        long seed,
        float averaging,
        int captionBank) {

    public TrainingConfig {
        if (averaging < 0 || averaging >= 1) {
            throw new IllegalArgumentException("averaging must be in [0, 1), got " + averaging);
        }
        if (batchSize < 2) {
            throw new IllegalArgumentException("batchSize must be at least 2 (in-batch negatives)");
        }
        if (captionBank < 0) {
            throw new IllegalArgumentException("captionBank must be >= 0, got " + captionBank);
        }
        if (weightDecay < 0 || maxHardNegatives < 0 || hardNegativeWarmupSteps < 0) {
            throw new IllegalArgumentException("weightDecay, maxHardNegatives and hardNegativeWarmupSteps must be >= 0");
        }
    }

    /** Without weight averaging. */
    public TrainingConfig(int batchSize, LearningRateSchedule schedule, float weightDecay, LossWeights weights,
                          ViewSampler.Settings views, ImageAugmenter.Settings textSideAugment,
                          ImageAugmenter.Settings imageSideAugment, int hardNegativeWarmupSteps, int maxHardNegatives,
                          int tagTopK, float tagThreshold, long seed) {
        this(batchSize, schedule, weightDecay, weights, views, textSideAugment, imageSideAugment,
                hardNegativeWarmupSteps, maxHardNegatives, tagTopK, tagThreshold, seed, 0f, 0);
    }

    /** AdamW weight decay of a model trained from scratch on both sides. */
    public static final float DEFAULT_WEIGHT_DECAY = 0.05f;

    /**
     * AdamW weight decay with a frozen text backbone: the trained image side fits the 1,533 train
     * concepts within a few hundred steps; 0.3 held validation recall higher than 0.05
     * (docs/BENCHMARKS.md).
     */
    public static final float BACKBONE_WEIGHT_DECAY = 0.3f;

    /** The defaults used by {@code bench train} and the online trainer. */
    public static TrainingConfig defaults(long seed, int totalSteps) {
        return new TrainingConfig(64, new LearningRateSchedule(2e-3f, 1e-4f, 100, totalSteps), DEFAULT_WEIGHT_DECAY,
                LossWeights.multiView(), ViewSampler.Settings.defaults(),
                ImageAugmenter.Settings.colourPreserving(), ImageAugmenter.Settings.ernieVil(),
                300, 32, 5, 0.3f, seed);
    }

    /**
     * The defaults for a model: a frozen text backbone gets whole captions and a bounded number of
     * keyword phrases per item (each distinct text costs it a transformer pass, then nothing), the
     * drawing-style image augmentation on both image views and a stronger weight decay
     * ({@link #BACKBONE_WEIGHT_DECAY}).
     */
    public static TrainingConfig forModel(io.vilstream.model.config.ModelConfig model, long seed, int totalSteps) {
        TrainingConfig c = defaults(seed, totalSteps);
        if (!model.hasTextBackbone()) {
            return c;
        }
        return c.withViews(c.views().withPhraseVariants(8).withoutWordDropout())
                .withAugmentation(ImageAugmenter.Settings.drawings(), ImageAugmenter.Settings.drawings())
                .withWeightDecay(BACKBONE_WEIGHT_DECAY);
    }

    public TrainingConfig withAugmentation(ImageAugmenter.Settings textSide, ImageAugmenter.Settings imageSide) {
        return new TrainingConfig(batchSize, schedule, weightDecay, weights, views, textSide, imageSide,
                hardNegativeWarmupSteps, maxHardNegatives, tagTopK, tagThreshold, seed, averaging, captionBank);
    }

    public TrainingConfig withWeightDecay(float wd) {
        return new TrainingConfig(batchSize, schedule, wd, weights, views, textSideAugment, imageSideAugment,
                hardNegativeWarmupSteps, maxHardNegatives, tagTopK, tagThreshold, seed, averaging, captionBank);
    }

    public TrainingConfig withWeights(LossWeights w) {
        return new TrainingConfig(batchSize, schedule, weightDecay, w, views, textSideAugment, imageSideAugment,
                hardNegativeWarmupSteps, maxHardNegatives, tagTopK, tagThreshold, seed, averaging, captionBank);
    }

    public TrainingConfig withViews(ViewSampler.Settings v) {
        return new TrainingConfig(batchSize, schedule, weightDecay, weights, v, textSideAugment, imageSideAugment,
                hardNegativeWarmupSteps, maxHardNegatives, tagTopK, tagThreshold, seed, averaging, captionBank);
    }

    public TrainingConfig withSchedule(LearningRateSchedule s) {
        return new TrainingConfig(batchSize, s, weightDecay, weights, views, textSideAugment, imageSideAugment,
                hardNegativeWarmupSteps, maxHardNegatives, tagTopK, tagThreshold, seed, averaging, captionBank);
    }

    public TrainingConfig withBatchSize(int b) {
        return new TrainingConfig(b, schedule, weightDecay, weights, views, textSideAugment, imageSideAugment,
                hardNegativeWarmupSteps, maxHardNegatives, tagTopK, tagThreshold, seed, averaging, captionBank);
    }

    public TrainingConfig withSeed(long s) {
        return new TrainingConfig(batchSize, schedule, weightDecay, weights, views, textSideAugment, imageSideAugment,
                hardNegativeWarmupSteps, maxHardNegatives, tagTopK, tagThreshold, s, averaging, captionBank);
    }

    public TrainingConfig withAveraging(float decay) {
        return new TrainingConfig(batchSize, schedule, weightDecay, weights, views, textSideAugment, imageSideAugment,
                hardNegativeWarmupSteps, maxHardNegatives, tagTopK, tagThreshold, seed, decay, captionBank);
    }

    public TrainingConfig withHardNegatives(int warmupSteps, int max) {
        return new TrainingConfig(batchSize, schedule, weightDecay, weights, views, textSideAugment, imageSideAugment,
                warmupSteps, max, tagTopK, tagThreshold, seed, averaging, captionBank);
    }

    /**
     * With a bank of up to {@code size} recent items' captions as extra image→caption
     * candidates (0: in-batch candidates only).
     */
    public TrainingConfig withCaptionBank(int size) {
        return new TrainingConfig(batchSize, schedule, weightDecay, weights, views, textSideAugment, imageSideAugment,
                hardNegativeWarmupSteps, maxHardNegatives, tagTopK, tagThreshold, seed, averaging, size);
    }
}
