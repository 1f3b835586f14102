package io.vilstream.encoder.topology;

import java.nio.ByteBuffer;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * What the image-embedding topic last said of one content id, as a backfill's global store keeps
 * it: the model version of its latest embedding, or that it was deleted (a tombstone), with the
 * record's timestamp — the timestamp of the content record (or content tombstone) it came from,
 * which Kafka Streams carries from input to output. A backfill re-reading the content topic
 * compares its records' timestamps with it, so a deletion the live encoder already wrote wins
 * over the older content still on the topic.
 *
 * @param version   the model version, or {@link #DELETED}
 * @param timestamp the embedding (or tombstone) record's timestamp, epoch milliseconds
 */
public record EmbeddedState(long version, long timestamp) {

    /** The version of a deleted item. */
    public static final long DELETED = -1;

    public static EmbeddedState deleted(long timestamp) {
        return new EmbeddedState(DELETED, timestamp);
    }

    public boolean isDeleted() {
        return version == DELETED;
    }

    /** Whether content (or a tombstone) of {@code timestamp} is older than a deletion recorded here. */
    public boolean deletedSince(long timestamp) {
        return isDeleted() && this.timestamp >= timestamp;
    }

    /** 16 bytes: version, timestamp (the store is in memory, rebuilt from the topic at every start). */
    public static Serde<EmbeddedState> serde() {
        Serializer<EmbeddedState> ser = (topic, s) -> s == null ? null
                : ByteBuffer.allocate(16).putLong(s.version()).putLong(s.timestamp()).array();
        Deserializer<EmbeddedState> de = (topic, b) -> {
            if (b == null) {
                return null;
            }
            if (b.length != 16) {
                throw new SerializationException("an embedded state is 16 bytes, got " + b.length);
            }
            ByteBuffer buf = ByteBuffer.wrap(b);
            return new EmbeddedState(buf.getLong(), buf.getLong());
        };
        return Serdes.serdeFrom(ser, de);
    }
}
