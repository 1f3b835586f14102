package io.vilstream.trainer.batch;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.vilstream.datasets.split.Split;
import io.vilstream.model.views.TrainingItem;
import io.vilstream.schemas.avro.HardNegatives;
import io.vilstream.schemas.avro.Negative;
import io.vilstream.trainer.ingest.FreshItem;
import io.vilstream.trainer.ingest.FreshQueue;
import io.vilstream.trainer.negatives.ContentCache;
import io.vilstream.trainer.negatives.HardNegativeQueue;
import io.vilstream.trainer.replay.ReplayBuffer;

/**
 * Composes each step's batch from the three sources of the online trainer, in this order:
 * <ol>
 *   <li>anchors with queued hard negatives (after the warm-up), up to a share of the batch;
 *       their negatives, resolved through the replay buffer or the content cache, become the
 *       extra candidate columns — never the anchor itself, another anchor of the batch, or an
 *       item outside the train split;</li>
 *   <li>new items from the stream, oldest first, up to a share of the batch (more when the
 *       replay buffer cannot fill the rest);</li>
 *   <li>replayed items, uniformly, to fill the batch — leaving the hard negatives out, so they
 *       stay candidate columns rather than becoming anchors.</li>
 * </ol>
 * With fewer train items than a batch it plans nothing: the trainer waits.
 */
public final class BatchPlanner {

    private final int batchSize;
    private final double newFraction;
    private final double hardNegativeAnchorFraction;
    private final int maxHardNegatives;
    private final FreshQueue fresh;
    private final ReplayBuffer replay;
    private final HardNegativeQueue hardNegatives;
    private final ContentCache cache;

    public BatchPlanner(int batchSize, double newFraction, double hardNegativeAnchorFraction, int maxHardNegatives,
                        FreshQueue fresh, ReplayBuffer replay, HardNegativeQueue hardNegatives, ContentCache cache) {
        this.batchSize = batchSize;
        this.newFraction = newFraction;
        this.hardNegativeAnchorFraction = hardNegativeAnchorFraction;
        this.maxHardNegatives = maxHardNegatives;
        this.fresh = fresh;
        this.replay = replay;
        this.hardNegatives = hardNegatives;
        this.cache = cache;
    }

    /** Whether enough train items exist for a full batch. */
    public boolean canFillBatch() {
        return fresh.size() + replay.size() >= batchSize;
    }

    /**
     * The next batch, or empty when there are too few train items, or when there is nothing new
     * and {@code replayOnlyAllowed} is false.
     */
    public Optional<PlannedBatch> plan(boolean hardNegativesActive, boolean replayOnlyAllowed) {
        if (!canFillBatch() || (fresh.isEmpty() && !replayOnlyAllowed)) {
            return Optional.empty();
        }
        List<TrainingItem> anchors = new ArrayList<>(batchSize);
        Set<String> chosen = new HashSet<>();
        List<HardNegatives> records = List.of();
        if (hardNegativesActive && maxHardNegatives > 0) {
            int k = (int) Math.floor(batchSize * hardNegativeAnchorFraction);
            records = hardNegatives.take(k, id -> replay.contains(id) || cache.contains(id));
            for (HardNegatives r : records) {
                resolve(r.getAnchorId()).filter(a -> chosen.add(a.id())).ifPresent(anchors::add);
            }
        }
        List<TrainingItem> negatives = negativesOf(records, chosen);
        Set<String> negativeIds = new HashSet<>();
        negatives.forEach(n -> negativeIds.add(n.id()));
        int room = batchSize - anchors.size();
        int replayable = (int) replay.ids().stream().filter(id -> !chosen.contains(id) && !negativeIds.contains(id)).count();
        int wantNew = Math.max((int) Math.ceil(batchSize * newFraction), room - replayable);
        List<FreshItem> taken = new ArrayList<>(takeFresh(Math.min(wantNew, room), anchors, chosen));
        // replayed anchors leave the negatives out: those are to be extra columns
        Set<String> exclude = new HashSet<>(chosen);
        exclude.addAll(negativeIds);
        for (TrainingItem r : replay.sample(batchSize - anchors.size(), exclude)) {
            chosen.add(r.id());
            anchors.add(r);
        }
        taken.addAll(takeFresh(batchSize - anchors.size(), anchors, chosen));
        // a new item always trains as an anchor, so it cannot also be a candidate column
        negatives.removeIf(n -> chosen.contains(n.id()));
        return Optional.of(new PlannedBatch(anchors, negatives, taken));
    }

    private List<FreshItem> takeFresh(int n, List<TrainingItem> anchors, Set<String> chosen) {
        List<FreshItem> taken = fresh.take(n);
        for (FreshItem f : taken) {
            if (chosen.add(f.item().id())) {
                anchors.add(f.item());
            }
        }
        return taken;
    }

    private List<TrainingItem> negativesOf(List<HardNegatives> records, Set<String> anchors) {
        List<TrainingItem> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (HardNegatives r : records) {
            for (Negative n : r.getNegatives()) {
                if (out.size() == maxHardNegatives) {
                    return out;
                }
                String id = n.getContentId();
                if (id.equals(r.getAnchorId()) || anchors.contains(id) || Split.of(id) != Split.TRAIN || !seen.add(id)) {
                    continue;
                }
                resolve(id).ifPresent(out::add);
            }
        }
        return out;
    }

    private Optional<TrainingItem> resolve(String id) {
        Optional<TrainingItem> inReplay = replay.get(id);
        return inReplay.isPresent() ? inReplay : cache.resolve(id);
    }
}
