package io.vilstream.model.runtime;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

/**
 * Child-JVM main for TorchLoggingTest: loads libtorch either raw (argument {@code raw}: DJL's engine
 * as is) or through DjlRuntime (which sets the log level), then runs three convolutions.
 */
public final class TorchConvProbe {

    private TorchConvProbe() {
    }

    public static void main(String[] args) {
        boolean raw = args.length > 0 && args[0].equals("raw");
        String engine = raw ? ai.djl.engine.Engine.getEngine("PyTorch").getEngineName() : DjlRuntime.engine().getEngineName();
        try (NDManager m = NDManager.newBaseManager(engine)) {
            for (int i = 0; i < 3; i++) {
                Conv2d.conv2d(m.ones(new Shape(1, 3, 8, 8)), m.ones(new Shape(2, 3, 3, 3))).close();
            }
        }
        System.out.println("PROBE DONE");
    }
}
