package io.vilstream.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import io.vilstream.model.runtime.DjlRuntime;

/** Child-JVM main for TorchLoggingTest: loads libtorch, optionally sets its log level, runs three convolutions. */
public final class TorchConvProbe {

    private TorchConvProbe() {
    }

    public static void main(String[] args) {
        DjlRuntime.engine();
        if (args.length > 0 && args[0].equals("apply")) {
            System.out.println("applied " + TorchLogging.apply());
        }
        try (NDManager m = NDManager.newBaseManager(DjlRuntime.engine().getEngineName())) {
            for (int i = 0; i < 3; i++) {
                Conv2d.conv2d(m.ones(new Shape(1, 3, 8, 8)), m.ones(new Shape(2, 3, 3, 3))).close();
            }
        }
        System.out.println("PROBE DONE");
    }
}
