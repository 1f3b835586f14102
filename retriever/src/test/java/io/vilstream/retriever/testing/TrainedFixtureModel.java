package io.vilstream.retriever.testing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.vilstream.datasets.events.ContentEvents;
import io.vilstream.datasets.item.EmojiItem;
import io.vilstream.model.config.ModelConfig;
import io.vilstream.model.image.ImageDecoder;
import io.vilstream.model.image.ImageRejectedException;
import io.vilstream.model.tagger.TagVocabulary;
import io.vilstream.model.towers.DualEncoder;
import io.vilstream.model.training.Budget;
import io.vilstream.model.training.ContrastiveTrainer;
import io.vilstream.model.training.OfflineTraining;
import io.vilstream.model.training.TrainingConfig;
import io.vilstream.model.views.TrainingItem;

/**
 * A small model fitted to the 33-emoji fixture in seconds (seeded, so bit-identical on every
 * run): with it a query by name finds its emoji, which a freshly initialised model cannot do.
 */
public final class TrainedFixtureModel {

    private TrainedFixtureModel() {
    }

    public static DualEncoder train(List<EmojiItem> fixture, int steps, long seed) {
        ModelConfig config = ModelConfig.tiny();
        ImageDecoder decoder = new ImageDecoder(config.imageSize());
        List<TrainingItem> items = new ArrayList<>();
        for (EmojiItem item : fixture) {
            try {
                items.add(TrainingItem.from(ContentEvents.from(item, Instant.EPOCH), decoder));
            } catch (ImageRejectedException e) {
                throw new AssertionError(e);
            }
        }
        TagVocabulary vocab = TagVocabulary.build(items.stream().map(TrainingItem::tags).toList(), 1, 1024);
        DualEncoder model = DualEncoder.create(config, vocab, seed);
        TrainingConfig tc = TrainingConfig.defaults(seed, steps).withBatchSize(items.size());
        OfflineTraining.run(new ContrastiveTrainer(model, tc), items, Budget.steps(steps), null, 0, 0, p -> { });
        return model;
    }
}
