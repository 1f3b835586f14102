package io.vilstream.model.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

import ai.djl.pytorch.jni.JniUtils;
import org.junit.jupiter.api.Test;

class DjlRuntimeTest {

    @Test
    void intraOpThreadsChangeOnlyTheCallingThread() throws InterruptedException {
        DjlRuntime.engine();
        int defaultThreads = onNewThread(JniUtils::getNumThreads);
        int wanted = defaultThreads == 1 ? 2 : 1;

        AtomicInteger pinned = new AtomicInteger();
        AtomicInteger startedMeanwhile = new AtomicInteger();
        AtomicInteger pinnedAfterwards = new AtomicInteger();
        Thread worker = new Thread(() -> {
            pinned.set(DjlRuntime.intraOpThreads(wanted));
            try {
                startedMeanwhile.set(onNewThread(JniUtils::getNumThreads));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            pinnedAfterwards.set(JniUtils.getNumThreads());
        });
        worker.start();
        worker.join();

        assertThat(pinned.get()).isEqualTo(wanted);
        assertThat(startedMeanwhile.get()).as("a thread started while the worker runs").isEqualTo(defaultThreads);
        assertThat(pinnedAfterwards.get()).as("the worker keeps its count").isEqualTo(wanted);
        assertThat(onNewThread(() -> DjlRuntime.intraOpThreads(0))).as("0 leaves the default").isEqualTo(defaultThreads);
    }

    private static int onNewThread(IntSupplier f) throws InterruptedException {
        AtomicInteger result = new AtomicInteger();
        Thread t = new Thread(() -> result.set(f.getAsInt()));
        t.start();
        t.join();
        return result.get();
    }
}
