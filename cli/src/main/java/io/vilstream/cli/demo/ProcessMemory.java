package io.vilstream.cli.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resident memory of a process from Linux's {@code /proc/<pid>/status}: the current
 * ({@code VmRSS}) and the peak ({@code VmHWM}) resident set, in MiB. Zero where /proc is absent.
 */
public final class ProcessMemory {

    private ProcessMemory() {
    }

    public static double peakMb(long pid) {
        return field(pid, "VmHWM:");
    }

    public static double currentMb(long pid) {
        return field(pid, "VmRSS:");
    }

    private static double field(long pid, String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith(name)) {
                    String[] parts = line.substring(name.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) / 1024.0; // kB
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }
}
