package io.vilstream.encoder.topology;

/**
 * Told which content records enter and leave the encode processors' buffers on this instance, by
 * partition and offset. A backfill's completion watches it: its committed offsets pass the
 * target as soon as the last records are buffered, before they are encoded and forwarded.
 * Called on the stream threads.
 */
public interface BufferWatch {

    /** Watches nothing (the live encoder). */
    BufferWatch NONE = new BufferWatch() {
        @Override
        public void held(int partition, long offset) {
        }

        @Override
        public void released(int partition, long offset) {
        }

        @Override
        public void releasedAll(int partition) {
        }
    };

    /** The record at {@code offset} of {@code partition} is buffered here (new, or restored). */
    void held(int partition, long offset);

    /** It was forwarded (or rejected) and deleted from the buffer. */
    void released(int partition, long offset);

    /** The task of {@code partition} closed here: its buffered records are its next owner's. */
    void releasedAll(int partition);
}
