package io.vilstream.encoder.batching;

/**
 * One validated content record waiting in a micro-batch: its original bytes (decoded again
 * when the batch is encoded: the buffer stays small and replayable) and where it came from.
 */
public record BufferEntry(byte[] key, byte[] value, String topic, int partition, long offset, long timestamp) {

    /** The buffer's store key: the source offset, zero-padded so the store iterates in arrival order. */
    public static String storeKey(long offset) {
        return String.format("%020d", offset);
    }
}
