package io.vilstream.encoder.batching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

class ThreadBatchesTest {

    private final ThreadBatches.Owner taskA = new ThreadBatches.Owner() { };
    private final ThreadBatches.Owner taskB = new ThreadBatches.Owner() { };

    @Test
    void theTasksOfOneThreadFillOneBatchInArrivalOrder() {
        ThreadBatches<String> batches = new ThreadBatches<>(1);
        ThreadBatches.Batch<String> batch = batches.current();
        batch.add(taskA, "a1", 0);
        batches.current().add(taskB, "b1", 1);
        batch.add(taskA, "a2", 2);
        assertThat(batches.current()).isSameAs(batch);
        assertThat(batch.size()).isEqualTo(3);
        List<ThreadBatches.Pending<String>> all = batch.takeAll();
        assertThat(all).extracting(ThreadBatches.Pending::item).containsExactly("a1", "b1", "a2");
        assertThat(all).extracting(ThreadBatches.Pending::owner).containsExactly(taskA, taskB, taskA);
        assertThat(batch.size()).isZero();
    }

    @Test
    void takeHandsOutTheOldestItemsUpToTheLimit() {
        ThreadBatches.Batch<String> batch = new ThreadBatches<String>(1).current();
        for (int i = 0; i < 5; i++) {
            batch.add(taskA, "a" + i, i);
        }
        assertThat(batch.take(2)).extracting(ThreadBatches.Pending::item).containsExactly("a0", "a1");
        assertThat(batch.take(2)).extracting(ThreadBatches.Pending::item).containsExactly("a2", "a3");
        assertThat(batch.take(2)).extracting(ThreadBatches.Pending::item).containsExactly("a4");
        assertThat(batch.size()).isZero();
    }

    @Test
    void eachThreadHasItsOwnBatch() throws InterruptedException {
        ThreadBatches<String> batches = new ThreadBatches<>(1);
        batches.current().add(taskA, "here", 0);
        AtomicReference<Integer> otherSize = new AtomicReference<>();
        Thread other = new Thread(() -> otherSize.set(batches.current().size()));
        other.start();
        other.join();
        assertThat(otherSize.get()).isZero();
        assertThat(batches.current().size()).isOne();
    }

    @Test
    void aBatchIsRipeWhenItsOldestItemHasWaitedTheLingerTime() {
        ThreadBatches.Batch<String> batch = new ThreadBatches<String>(1).current();
        assertThat(batch.ripe(1_000, 50)).as("empty").isFalse();
        batch.add(taskA, "first", 100);
        batch.add(taskB, "second", 140);
        assertThat(batch.ripe(149, 50)).isFalse();
        assertThat(batch.ripe(150, 50)).isTrue();
    }

    @Test
    void aClosedTaskTakesOnlyItsOwnItemsOut() {
        ThreadBatches.Batch<String> batch = new ThreadBatches<String>(1).current();
        batch.add(taskA, "a1", 0);
        batch.add(taskB, "b1", 0);
        batch.add(taskA, "a2", 0);
        assertThat(batch.remove(taskA)).isEqualTo(2);
        assertThat(batch.takeAll()).extracting(ThreadBatches.Pending::item).containsExactly("b1");
    }

    @Test
    void batchesEncodeOnWorkersAndTheirResultsAreHandedOverOnTheCallingThreadInStartOrder() throws Exception {
        ExecutorService workers = Executors.newFixedThreadPool(2);
        try {
            ThreadBatches.Batch<String> batch = new ThreadBatches<String>(2).current();
            CountDownLatch firstMayFinish = new CountDownLatch(1);
            CountDownLatch secondDone = new CountDownLatch(1);
            List<String> delivered = new ArrayList<>();
            List<Thread> deliveredOn = new ArrayList<>();
            AtomicReference<Thread> encodedOn = new AtomicReference<>();

            batch.add(taskA, "a1", 0);
            batch.add(taskB, "b1", 0);
            batch.start(batch.takeAll(), items -> {
                encodedOn.set(Thread.currentThread());
                await(firstMayFinish);
                return deliverTo(delivered, deliveredOn, items);
            }, workers);
            // the stream thread goes on: a second batch fills and starts while the first is encoded
            batch.add(taskA, "a2", 1);
            batch.start(batch.takeAll(), items -> {
                secondDone.countDown();
                return deliverTo(delivered, deliveredOn, items);
            }, workers);
            assertThat(batch.canStart()).isFalse();
            assertThatThrownBy(() -> batch.start(List.of(), items -> () -> { }, workers))
                    .as("at most maxInFlight batches").isInstanceOf(IllegalStateException.class);

            assertThat(secondDone.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(batch.collect(false)).as("the second is done, but waits for the first").isZero();
            assertThat(delivered).isEmpty();

            firstMayFinish.countDown();
            int collected = batch.collect(true); // the first, and the second if its future has completed too
            if (collected < 2) {
                collected += batch.collect(true);
            }
            assertThat(collected).isEqualTo(2);
            assertThat(delivered).containsExactly("a1", "b1", "a2");
            assertThat(encodedOn.get()).isNotSameAs(Thread.currentThread());
            assertThat(deliveredOn).containsOnly(Thread.currentThread());
            assertThat(batch.inFlight()).isZero();
            assertThat(batch.collect(true)).as("nothing left in flight").isZero();
        } finally {
            workers.shutdownNow();
        }
    }

    private static Runnable deliverTo(List<String> delivered, List<Thread> on, List<ThreadBatches.Pending<String>> items) {
        return () -> items.forEach(p -> {
            delivered.add(p.item());
            on.add(Thread.currentThread());
        });
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aFailingJobFailsTheStreamThreadWhenCollected() {
        ThreadBatches.Batch<String> batch = new ThreadBatches<String>(1).current();
        batch.add(taskA, "a1", 0);
        batch.start(batch.takeAll(), items -> {
            throw new IllegalArgumentException("bug");
        }, Runnable::run);
        assertThatThrownBy(() -> batch.collect(false)).isInstanceOf(IllegalArgumentException.class).hasMessage("bug");
        assertThat(batch.inFlight()).isZero();
    }
}
