package io.vilstream.schemas.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/** Schema surgery and hand-made wire bytes for evolution and error tests. */
public final class Schemas {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Schemas() {
    }

    /** The record schema with one more field, given as JSON ({@code {"name":..,"type":..,"default":..}}). */
    public static Schema withField(Schema record, String fieldJson) {
        try {
            ObjectNode tree = (ObjectNode) JSON.readTree(record.toString());
            ((ArrayNode) tree.get("fields")).add(JSON.readTree(fieldJson));
            return new Schema.Parser().parse(tree.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The record schema without the named field. */
    public static Schema withoutField(Schema record, String name) {
        try {
            ObjectNode tree = (ObjectNode) JSON.readTree(record.toString());
            ArrayNode fields = (ArrayNode) tree.get("fields");
            for (int i = 0; i < fields.size(); i++) {
                if (fields.get(i).get("name").asText().equals(name)) {
                    fields.remove(i);
                    break;
                }
            }
            return new Schema.Parser().parse(tree.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The record resolved into another schema, as a generic record (defaults filled in). */
    public static GenericRecord resolve(SpecificRecord record, Schema target) {
        try {
            byte[] own = avro(record);
            GenericDatumReader<GenericRecord> reader = new GenericDatumReader<>(record.getSchema(), target);
            return reader.read(null, DecoderFactory.get().binaryDecoder(own, null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Plain Avro binary of a generated record. */
    public static byte[] avro(SpecificRecord record) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
            new SpecificDatumWriter<SpecificRecord>(record.getSchema(), SpecificData.getForClass(record.getClass()))
                    .write(record, enc);
            enc.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Confluent wire bytes: magic byte, id, then the Avro binary of a generic record. */
    public static byte[] wire(int id, GenericRecord record) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(0);
            out.write(ByteBuffer.allocate(4).putInt(id).array());
            BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
            new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, enc);
            enc.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Confluent wire bytes from a header id and raw body bytes. */
    public static byte[] wire(int id, byte[] body) {
        return ByteBuffer.allocate(5 + body.length).put((byte) 0).putInt(id).put(body).array();
    }

    /** The schema id in wire bytes. */
    public static int idOf(byte[] wire) {
        return ByteBuffer.wrap(wire, 1, 4).getInt();
    }
}
