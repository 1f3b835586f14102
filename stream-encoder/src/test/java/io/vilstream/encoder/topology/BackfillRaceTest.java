package io.vilstream.encoder.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.vilstream.encoder.ContentFixtures;
import io.vilstream.encoder.models.SwappableModel;
import io.vilstream.model.config.ModelConfig;
import io.vilstream.model.tagger.TagVocabulary;
import io.vilstream.model.towers.DualEncoder;
import io.vilstream.schemas.avro.ContentEvent;
import io.vilstream.schemas.avro.Embedding;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A backfill (here of version 2) against a live encoder that keeps writing while it runs (issue
 * 13, defect 3). Its view of the embedding topic is filled asynchronously, so the view alone
 * let it write an id's older content after newer content (and then skip the newer content as
 * "already embedded with this version"), and write its version after a newer serving's. It now
 * embeds only each id's latest content below its target, re-checks right before forwarding, and
 * writes nothing once superseded.
 */
class BackfillRaceTest {

    private static final long BACKFILL_VERSION = 2;
    /** The highest version recorded when the backfill began (3 was rolled back from). */
    private static final long HIGHEST_AT_START = 3;

    private SwappableModel model;

    /** A scope the test sets: target per partition 0, latest offsets, superseded or not. */
    private static final class Scope implements BackfillScope {
        long target = 100;
        final Map<String, Long> latest = new HashMap<>();
        boolean superseded;

        @Override
        public boolean mine(String id, int partition, long offset) {
            Long last = latest.get(id);
            return offset < target && (last == null || offset >= last);
        }

        @Override
        public boolean superseded() {
            return superseded;
        }

        @Override
        public boolean newerServing(long version) {
            return version > HIGHEST_AT_START;
        }
    }

    private final Scope scope = new Scope();

    @BeforeEach
    void setUp() throws Exception {
        byte[] v2;
        try (DualEncoder m = DualEncoder.create(ModelConfig.tiny(), new TagVocabulary(List.of("cat")), 8)) {
            v2 = m.toCheckpoint(BACKFILL_VERSION, 1L, 10);
        }
        model = new SwappableModel(DualEncoder.load(v2));
    }

    @AfterEach
    void tearDown() {
        model.close();
    }

    private ProcessorHarness backfill(int batchSize, java.util.concurrent.Executor towers) {
        return new ProcessorHarness(model, batchSize, 50, EncodeOptions.backfill(), 1, towers, BufferWatch.NONE, scope);
    }

    /** Two contents of one id: c1 first, then c2 (another caption and image, a later event time). */
    private static List<ContentEvent> twoContents() {
        List<ContentEvent> events = ContentFixtures.many(2);
        String id = events.get(0).getId();
        ContentEvent c1 = ContentEvent.newBuilder(events.get(0)).setEventTime(Instant.ofEpochMilli(1_000)).build();
        ContentEvent c2 = ContentEvent.newBuilder(events.get(1)).setId(id).setEventTime(Instant.ofEpochMilli(2_000)).build();
        return List.of(c1, c2);
    }

    @Test
    void anIdsOlderContentIsNeverReEmbeddedAndItsLatestContentStillIs() {
        List<ContentEvent> c = twoContents();
        String id = c.get(0).getId();
        scope.latest.put(id, 1L); // c1 at offset 0, c2 at offset 1
        ProcessorHarness h = backfill(1, Runnable::run);
        // the live encoder embedded c2 with version 1, before its swap
        h.embeddedVersions.put(id, new EmbeddedState(1, 2_000));
        h.init();

        h.send(c.get(0), 1_000);
        if (!h.images().isEmpty()) { // what the global store reads back of the backfill's own output
            h.embeddedVersions.put(id, new EmbeddedState(BACKFILL_VERSION, 1_000));
        }
        h.send(c.get(1), 2_000);

        assertThat(h.images()).as("one embedding of version 2, of the latest content c2")
                .extracting(e -> e.getEventTime().toEpochMilli(), Embedding::getModelVersion)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(2_000L, BACKFILL_VERSION));
    }

    @Test
    void contentPastTheTargetIsTheLiveEncodersToEmbed() {
        scope.target = 1;
        List<ContentEvent> events = ContentFixtures.many(2);
        ProcessorHarness h = backfill(1, Runnable::run);
        h.init();

        events.forEach(e -> h.send(e, 1_000)); // offsets 0 and 1

        assertThat(h.imageIds()).containsExactly(events.get(0).getId());
    }

    @Test
    void anEmbeddingOfANewerServingIsNeverFollowedByTheBackfillsOlderVersion() {
        List<ContentEvent> events = ContentFixtures.many(2);
        String newer = events.get(0).getId();
        String rolledBack = events.get(1).getId();
        // version 4, recorded after this backfill began, embedded newer (the backfill is superseded,
        // not yet heard of here); rolledBack's embedding is of version 3, rolled back from: a
        // rollback to 2 redoes it
        ProcessorHarness h = backfill(1, Runnable::run);
        h.embeddedVersions.put(newer, new EmbeddedState(4, 1_000));
        h.embeddedVersions.put(rolledBack, new EmbeddedState(3, 1_000));
        h.init();

        events.forEach(e -> h.send(e, 1_000));

        assertThat(h.imageIds()).containsExactly(rolledBack);
    }

    @Test
    void theLiveEncodersEmbeddingOfThisVersionArrivingDuringTheBatchIsNotRepeated() {
        ProcessorHarness.HeldTowers towers = new ProcessorHarness.HeldTowers();
        ProcessorHarness h = backfill(1, towers);
        ContentEvent e = ContentFixtures.many(1).get(0);
        h.init();
        h.send(e, 1_000);
        assertThat(towers.started()).isEqualTo(1);

        // the global store catches up with the live encoder's version-2 embedding of the same record
        h.embeddedVersions.put(e.getId(), new EmbeddedState(BACKFILL_VERSION, 1_000));
        towers.run(0);
        h.tick(20);

        assertThat(h.imageIds()).as("checked again right before forwarding").isEmpty();
        assertThat(h.buffered()).isZero();
    }

    @Test
    void aSupersededBackfillWritesNothingMoreNotEvenWhatItWasEncoding() {
        ProcessorHarness.HeldTowers towers = new ProcessorHarness.HeldTowers();
        ProcessorHarness h = backfill(1, towers);
        List<ContentEvent> events = ContentFixtures.many(3);
        h.init();
        h.send(events.get(0), 1_000);
        assertThat(towers.started()).isEqualTo(1);

        scope.superseded = true; // version 3 promoted
        towers.run(0);
        h.tick(20);
        h.send(events.get(1), 1_000);
        h.sendTombstone(events.get(2).getId(), 1_000);

        assertThat(h.imageIds()).isEmpty();
        assertThat(h.forwardedTo(EncoderTopology.SINK_IMAGE)).isEmpty();
        assertThat(h.buffered()).isZero();
    }
}
