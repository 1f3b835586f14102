package io.vilstream.trainer.replay;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

import io.vilstream.model.views.TrainingItem;

/**
 * The train items the trainer may replay: bounded, one entry per content id (an updated event
 * replaces its item in place), decoded so a step does no image decoding. Sampling is uniform
 * without replacement. Not thread-safe: the training loop owns it.
 */
public final class ReplayBuffer {

    private final int capacity;
    private final ReplayPolicy policy;
    private final SplittableRandom rng;
    private final LinkedHashMap<String, TrainingItem> items = new LinkedHashMap<>();
    /** Distinct items ever offered: algorithm R keeps each with probability capacity / offered. */
    private long offered;

    public ReplayBuffer(int capacity, ReplayPolicy policy, long seed) {
        if (capacity < 1) {
            throw new IllegalArgumentException("replay capacity must be positive");
        }
        this.capacity = capacity;
        this.policy = policy;
        this.rng = new SplittableRandom(seed);
    }

    /** Offers an item; returns whether the buffer holds it afterwards. */
    public boolean add(TrainingItem item) {
        if (items.containsKey(item.id())) {
            items.put(item.id(), item); // a newer event of the same content: same slot, same age
            return true;
        }
        offered++;
        if (items.size() < capacity) {
            items.put(item.id(), item);
            return true;
        }
        switch (policy) {
            case FIFO -> {
                Iterator<String> oldest = items.keySet().iterator();
                oldest.next();
                oldest.remove();
                items.put(item.id(), item);
                return true;
            }
            case RESERVOIR -> {
                long slot = rng.nextLong(offered);
                if (slot >= capacity) {
                    return false;
                }
                removeAt((int) slot);
                items.put(item.id(), item);
                return true;
            }
            default -> throw new IllegalStateException(policy.toString());
        }
    }

    private void removeAt(int index) {
        Iterator<String> it = items.keySet().iterator();
        for (int i = 0; i < index; i++) {
            it.next();
        }
        it.next();
        it.remove();
    }

    public void remove(String id) {
        items.remove(id);
    }

    public Optional<TrainingItem> get(String id) {
        return Optional.ofNullable(items.get(id));
    }

    public boolean contains(String id) {
        return items.containsKey(id);
    }

    public int size() {
        return items.size();
    }

    public int capacity() {
        return capacity;
    }

    /** Up to {@code n} distinct items, uniformly, none of whose ids is in {@code exclude}. */
    public List<TrainingItem> sample(int n, Set<String> exclude) {
        List<TrainingItem> pool = new ArrayList<>(items.size());
        for (TrainingItem it : items.values()) {
            if (!exclude.contains(it.id())) {
                pool.add(it);
            }
        }
        int k = Math.min(n, pool.size());
        // partial Fisher-Yates: the first k slots end up a uniform sample
        for (int i = 0; i < k; i++) {
            int j = i + rng.nextInt(pool.size() - i);
            TrainingItem t = pool.get(i);
            pool.set(i, pool.get(j));
            pool.set(j, t);
        }
        return new ArrayList<>(pool.subList(0, k));
    }

    /** The ids held, oldest first. */
    public List<String> ids() {
        return List.copyOf(items.keySet());
    }
}
