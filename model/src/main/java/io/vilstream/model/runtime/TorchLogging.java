package io.vilstream.model.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.sun.jna.NativeLibrary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libtorch's own log level, set from Java once the engine has loaded.
 *
 * <p>libtorch prints its warnings to stderr itself, bypassing SLF4J: on CPUs NNPACK does not
 * support, every convolution prints {@code Could not initialize NNPACK! Reason: Unsupported
 * hardware.} (852 lines in a 7-minute demo). {@code TORCH_CPP_LOG_LEVEL} does not help here:
 * only PyTorch's Python module reads it ({@code c10::initLogging}); libtorch loaded through
 * DJL's JNI never does. What c10 does read on every message is its exported int
 * {@code FLAGS_caffe2_log_level} (0 INFO, 1 WARNING, 2 ERROR, 3 FATAL; messages below it are
 * dropped), so this class writes that variable in the loaded {@code libc10.so} through JNA,
 * which DJL already brings.
 *
 * <p>Default ERROR; {@code VILSTREAM_TORCH_LOG_LEVEL} (or the system property
 * {@code vilstream.torch.log.level}) = {@code INFO|WARNING|ERROR|FATAL} or {@code 0..3} shows more.
 */
public final class TorchLogging {

    public static final String ENV = "VILSTREAM_TORCH_LOG_LEVEL";
    public static final String PROPERTY = "vilstream.torch.log.level";
    static final String FLAG = "FLAGS_caffe2_log_level";
    static final int DEFAULT_LEVEL = 2; // ERROR

    private static final Logger log = LoggerFactory.getLogger(TorchLogging.class);
    private static final List<String> NAMES = List.of("INFO", "WARNING", "ERROR", "FATAL");

    private TorchLogging() {
    }

    /** The level asked for: the system property, else the environment variable, else ERROR. */
    static int level(String property, Map<String, String> env) {
        String value = property != null ? property : env.get(ENV);
        if (value == null || value.isBlank()) {
            return DEFAULT_LEVEL;
        }
        String v = value.trim().toUpperCase(Locale.ROOT);
        int byName = NAMES.indexOf(v.equals("WARN") ? "WARNING" : v);
        if (byName >= 0) {
            return byName;
        }
        if (v.matches("[0-3]")) {
            return Integer.parseInt(v);
        }
        throw new IllegalArgumentException(ENV + "=" + value + ": expected INFO, WARNING, ERROR, FATAL or 0..3");
    }

    /**
     * Sets libtorch's log level as configured. Call it after the PyTorch engine has loaded
     * (before, libc10 is not in the process and nothing is set).
     *
     * @return whether the level was set
     */
    public static boolean apply() {
        int level = level(System.getProperty(PROPERTY), System.getenv());
        Optional<Path> c10 = loadedLibc10();
        if (c10.isEmpty()) {
            log.debug("libc10 is not loaded; libtorch's log level left as it is");
            return false;
        }
        try {
            // dlopen of a loaded library returns the same handle: this writes the live variable
            NativeLibrary.getInstance(c10.get().toString()).getGlobalVariableAddress(FLAG).setInt(0, level);
            return true;
        } catch (UnsatisfiedLinkError e) {
            log.debug("cannot set libtorch's log level: {}", e.getMessage());
            return false;
        }
    }

    /** The path of the libc10 the process has mapped (Linux: /proc/self/maps), if any. */
    static Optional<Path> loadedLibc10() {
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) {
            return Optional.empty();
        }
        try (var lines = Files.lines(maps)) {
            return lines.filter(l -> l.endsWith("/libc10.so") || l.endsWith("/libc10.dylib"))
                    .map(l -> Path.of(l.substring(l.indexOf('/'))))
                    .findFirst();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
