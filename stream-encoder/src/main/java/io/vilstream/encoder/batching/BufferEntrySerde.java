package io.vilstream.encoder.batching;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Binary serde of buffer entries for the changelogged buffer store (an internal topic, never
 * read by anyone else): version byte, then the fields in order, lengths as int32 (-1 = null).
 */
public final class BufferEntrySerde implements Serde<BufferEntry> {

    private static final byte VERSION = 1;

    @Override
    public Serializer<BufferEntry> serializer() {
        return (topic, e) -> {
            if (e == null) {
                return null;
            }
            try {
                ByteArrayOutputStream buf = new ByteArrayOutputStream(64 + (e.value() == null ? 0 : e.value().length));
                DataOutputStream out = new DataOutputStream(buf);
                out.writeByte(VERSION);
                writeBytes(out, e.key());
                writeBytes(out, e.value());
                out.writeUTF(e.topic());
                out.writeInt(e.partition());
                out.writeLong(e.offset());
                out.writeLong(e.timestamp());
                out.flush();
                return buf.toByteArray();
            } catch (IOException ex) {
                throw new SerializationException("cannot serialise a buffer entry", ex);
            }
        };
    }

    @Override
    public Deserializer<BufferEntry> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
                byte v = in.readByte();
                if (v != VERSION) {
                    throw new SerializationException("unknown buffer entry version " + v);
                }
                return new BufferEntry(readBytes(in), readBytes(in), in.readUTF(), in.readInt(), in.readLong(), in.readLong());
            } catch (IOException ex) {
                throw new SerializationException("corrupt buffer entry", ex);
            }
        };
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        if (b == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(b.length);
            out.write(b);
        }
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }
}
