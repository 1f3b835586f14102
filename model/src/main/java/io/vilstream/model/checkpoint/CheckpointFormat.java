package io.vilstream.model.checkpoint;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The one versioned binary format of vilstream model checkpoints.
 *
 * <pre>
 * magic      8 bytes  "VILSCKPT"
 * format     int32    1
 * header     int32 length + UTF-8 JSON ({@link CheckpointHeader})
 * parameters int64 length + DJL parameter stream of the whole block
 * sha256     32 bytes over everything before it
 * </pre>
 *
 * Reading checks, in order: magic, format version, lengths (truncation), then the digest
 * (corruption), so each failure names its cause. Big-endian throughout.
 */
public final class CheckpointFormat {

    public static final int FORMAT_VERSION = 1;
    private static final byte[] MAGIC = "VILSCKPT".getBytes(StandardCharsets.US_ASCII);
    private static final int DIGEST_BYTES = 32;
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private CheckpointFormat() {
    }

    /** The parts of a checkpoint once its framing and digest are verified. */
    public record Parts(CheckpointHeader header, byte[] parameters, String sha256) {
    }

    public static byte[] write(CheckpointHeader header, byte[] parameters) {
        try {
            byte[] headerJson = JSON.writeValueAsBytes(header);
            ByteArrayOutputStream buf = new ByteArrayOutputStream(parameters.length + headerJson.length + 64);
            DataOutputStream out = new DataOutputStream(buf);
            out.write(MAGIC);
            out.writeInt(FORMAT_VERSION);
            out.writeInt(headerJson.length);
            out.write(headerJson);
            out.writeLong(parameters.length);
            out.write(parameters);
            out.flush();
            byte[] digest = sha256(buf.toByteArray(), buf.size());
            out.write(digest);
            out.flush();
            return buf.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Parts read(byte[] bytes) throws CheckpointException {
        if (bytes == null || bytes.length < MAGIC.length
                || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
            throw new CheckpointException(CheckpointException.Reason.NOT_A_CHECKPOINT,
                    "not a vilstream checkpoint: missing the VILSCKPT magic bytes");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        in.position(MAGIC.length);
        try {
            int format = in.getInt();
            if (format != FORMAT_VERSION) {
                throw new CheckpointException(CheckpointException.Reason.UNSUPPORTED_VERSION,
                        "checkpoint format version " + format + " is not supported (this build reads version "
                                + FORMAT_VERSION + ")");
            }
            int headerLength = in.getInt();
            if (headerLength < 0 || headerLength > in.remaining()) {
                throw truncated(bytes.length, "header of " + headerLength + " bytes");
            }
            byte[] headerJson = new byte[headerLength];
            in.get(headerJson);
            long paramLength = in.getLong();
            if (paramLength < 0 || paramLength > in.remaining()) {
                throw truncated(bytes.length, "parameters of " + paramLength + " bytes");
            }
            byte[] params = new byte[(int) paramLength];
            in.get(params);
            if (in.remaining() < DIGEST_BYTES) {
                throw truncated(bytes.length, "the 32-byte SHA-256 trailer");
            }
            int contentLength = in.position();
            byte[] stored = new byte[DIGEST_BYTES];
            in.get(stored);
            byte[] actual = sha256(bytes, contentLength);
            if (!MessageDigest.isEqual(stored, actual)) {
                throw new CheckpointException(CheckpointException.Reason.CORRUPTED,
                        "checkpoint is corrupted: SHA-256 of its content is " + HexFormat.of().formatHex(actual)
                                + " but it records " + HexFormat.of().formatHex(stored));
            }
            if (in.hasRemaining()) {
                throw new CheckpointException(CheckpointException.Reason.CORRUPTED,
                        "checkpoint has " + in.remaining() + " unexpected bytes after its SHA-256 trailer");
            }
            CheckpointHeader header = JSON.readValue(headerJson, CheckpointHeader.class);
            return new Parts(header, params, HexFormat.of().formatHex(sha256(bytes, bytes.length)));
        } catch (BufferUnderflowException e) {
            throw truncated(bytes.length, "its fixed-size fields");
        } catch (JsonProcessingException e) {
            throw new CheckpointException(CheckpointException.Reason.CORRUPTED,
                    "checkpoint header is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new CheckpointException(CheckpointException.Reason.CORRUPTED, "checkpoint header unreadable", e);
        }
    }

    /** Hex SHA-256 of the whole checkpoint, as recorded in {@code ModelVersion.sha256}. */
    public static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(sha256(bytes, bytes.length));
    }

    private static CheckpointException truncated(int size, String what) {
        return new CheckpointException(CheckpointException.Reason.TRUNCATED,
                "checkpoint is truncated: " + size + " bytes end before " + what);
    }

    private static byte[] sha256(byte[] bytes, int length) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(bytes, 0, length);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
