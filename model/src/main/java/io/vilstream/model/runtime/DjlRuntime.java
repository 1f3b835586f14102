package io.vilstream.model.runtime;

import java.nio.file.Path;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The one place that prepares DJL before its engine loads.
 *
 * <p>DJL must never reach the network: without {@code ai.djl.offline} and
 * {@code OPT_OUT_TRACKING} it probes a cloud metadata address at start-up and tries to download
 * native libraries (docs/PLATFORM.md). DJL reads both as environment variables or system properties,
 * so they are set here as system properties unless the operator set them already. Every class
 * that touches the engine calls {@link #engine()} first.
 */
public final class DjlRuntime {

    private static final String ENGINE = "PyTorch";

    static {
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("OPT_OUT_TRACKING", "true");
        // a fixed cache: the native library unpacks once (448 MB) and is reused by every JVM
        if (System.getenv("DJL_CACHE_DIR") == null) {
            setIfAbsent("DJL_CACHE_DIR", Path.of(System.getProperty("user.home"), ".djl.ai").toString());
        }
    }

    private DjlRuntime() {
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** The PyTorch engine, loaded offline, with libtorch's own log level set (TorchLogging). */
    public static Engine engine() {
        Engine engine = Engine.getEngine(ENGINE);
        TorchLogLevelOnce.ensure();
        return engine;
    }

    /**
     * Sets libtorch's log level the first time the engine is asked for, once it is loaded: every
     * command, service, test and child JVM that runs libtorch gets a console without its
     * per-convolution warnings, unless VILSTREAM_TORCH_LOG_LEVEL asks for them.
     */
    private static final class TorchLogLevelOnce {
        static {
            apply();
        }

        /** Does nothing itself: the first call runs the class's initialiser, which sets the level. */
        static void ensure() {
        }

        private static boolean apply() {
            try {
                return TorchLogging.apply();
            } catch (IllegalArgumentException e) {
                org.slf4j.LoggerFactory.getLogger(DjlRuntime.class).warn("{}; libtorch's log level left as it is", e.getMessage());
                return false;
            }
        }
    }

    /**
     * Switches autograd recording off for the calling thread. libtorch's grad mode is per
     * thread and on by default, so inference threads must turn it off or every forward pass
     * keeps its graph alive.
     */
    public static void inferenceThread() {
        engine();
        if (JniUtils.isGradMode()) {
            JniUtils.setGradMode(false);
        }
    }

    /** Sets the calling thread's autograd mode; returns the mode it had (to restore it). */
    public static boolean gradMode(boolean enabled) {
        engine();
        boolean was = JniUtils.isGradMode();
        if (was != enabled) {
            JniUtils.setGradMode(enabled);
        }
        return was;
    }

    /**
     * Sets how many intra-op threads libtorch uses for the calling thread's operations, leaving
     * other threads as they are. For small models several workers with one thread each encode
     * more per core than one worker with all cores: an operator's threads meet at a barrier after
     * every op, and on a machine busy with other work (a Kafka client, a broker) one preempted
     * thread stalls the others (docs/BENCHMARKS.md, encoder).
     *
     * <p>libtorch keeps the count per thread (OpenMP's per-thread setting, applied lazily at a
     * thread's first op from a process-wide default), but its setter also changes that default.
     * So the calling thread is initialised first, then set, and the default is put back from a
     * short-lived thread, so threads started later still get libtorch's own default.
     *
     * @param threads intra-op threads for this thread's operations; 0 leaves libtorch's default
     * @return the count now in effect for the calling thread
     */
    public static int intraOpThreads(int threads) {
        engine();
        int before = JniUtils.getNumThreads(); // initialises this thread from the process-wide default
        if (threads <= 0 || threads == before) {
            return before;
        }
        JniUtils.setNumThreads(threads);
        Thread restore = new Thread(() -> JniUtils.setNumThreads(before), "vilstream-torch-threads");
        restore.start();
        try {
            restore.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return JniUtils.getNumThreads();
    }

    /** Bit-identical CPU runs for one seed (docs/PLATFORM.md). */
    public static void seed(long seed) {
        engine();
        Engine.getEngine(ENGINE).setRandomSeed((int) seed);
    }
}
