package io.vilstream.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import io.vilstream.schemas.avro.ContentEvent;
import io.vilstream.schemas.avro.Embedding;
import io.vilstream.schemas.registry.MockSchemaRegistry;
import io.vilstream.schemas.serde.WireFormatException.Reason;
import io.vilstream.schemas.testing.SampleRecords;
import io.vilstream.schemas.testing.Schemas;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every kind of bad input fails with its typed reason: no NullPointerException, no hang. */
class WireFormatErrorsTest {

    private static final String TOPIC = "vilstream.content.v1";

    private final String scope = "errors-" + UUID.randomUUID();
    private AvroSerde<ContentEvent> serde;
    private byte[] valid;

    @BeforeEach
    void setUp() {
        serde = AvroSerde.forValues(ContentEvent.class, Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + scope));
        valid = serde.serializer().serialize(TOPIC, SampleRecords.contentEvent("1f600"));
    }

    @AfterEach
    void tearDown() {
        serde.close();
        MockSchemaRegistry.drop(scope);
    }

    private Reason reasonFor(byte[] bytes) {
        WireFormatException e = catchThrowableOfType(WireFormatException.class,
                () -> serde.deserializer().deserialize(TOPIC, bytes));
        assertThat(e).as("a WireFormatException for %s", Arrays.toString(bytes)).isNotNull();
        return e.reason();
    }

    @Test
    void nullReadsAsNull() {
        assertThat(serde.deserializer().deserialize(TOPIC, null)).isNull();
    }

    @Test
    void emptyArrayIsAnEmptyPayload() {
        assertThat(reasonFor(new byte[0])).isEqualTo(Reason.EMPTY_PAYLOAD);
    }

    @Test
    void aWrongFirstByteIsAnUnknownMagicByte() {
        byte[] bytes = valid.clone();
        bytes[0] = 1;
        WireFormatException e = catchThrowableOfType(WireFormatException.class,
                () -> serde.deserializer().deserialize(TOPIC, bytes));
        assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_MAGIC_BYTE);
        assertThat(e.getMessage()).contains("0x01").contains(TOPIC);
        assertThat(reasonFor("{\"id\":\"json\"}".getBytes())).isEqualTo(Reason.UNKNOWN_MAGIC_BYTE);
    }

    @Test
    void fewerThanFiveBytesIsATruncatedHeader() {
        assertThat(reasonFor(new byte[] {0, 0, 0})).isEqualTo(Reason.TRUNCATED_HEADER);
    }

    @Test
    void anIdTheRegistryDoesNotKnowIsAnUnknownSchemaId() {
        byte[] bytes = Schemas.wire(987_654, Arrays.copyOfRange(valid, 5, valid.length));
        WireFormatException e = catchThrowableOfType(WireFormatException.class,
                () -> serde.deserializer().deserialize(TOPIC, bytes));
        assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_SCHEMA_ID);
        assertThat(e.schemaId()).isEqualTo(987_654);
        assertThat(e.getMessage()).contains("987654").contains(TOPIC);
    }

    @Test
    void aCutBodyIsTruncatedAvro() {
        for (int cut = 1; cut < valid.length - 5; cut += 7) {
            assertThat(reasonFor(Arrays.copyOf(valid, valid.length - cut))).as("cut %d", cut).isEqualTo(Reason.TRUNCATED_AVRO);
        }
    }

    @Test
    void aForgedHugeLengthFailsFastWithoutAllocatingIt() {
        int id = Schemas.idOf(valid);
        // the id string claims 2^30 bytes, then the payload ends
        byte[] bytes = Schemas.wire(id, zigzagVarint(1L << 30));
        assertTimeoutPreemptively(Duration.ofSeconds(5), () ->
                assertThat(reasonFor(bytes)).isEqualTo(Reason.TRUNCATED_AVRO));
        // an array claiming a billion items
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(zigzagVarint(2));
        body.write('a');
        body.writeBytes(zigzagVarint(1_000_000_000L));
        assertTimeoutPreemptively(Duration.ofSeconds(5), () ->
                assertThat(reasonFor(Schemas.wire(id, body.toByteArray()))).isEqualTo(Reason.TRUNCATED_AVRO));
    }

    @Test
    void leftoverBytesAreTrailingBytes() {
        byte[] bytes = Arrays.copyOf(valid, valid.length + 3);
        assertThat(reasonFor(bytes)).isEqualTo(Reason.TRAILING_BYTES);
    }

    @Test
    void anotherRecordTypesBytesAreAnIncompatibleWriter() {
        byte[] embedding;
        try (AvroSerde<Embedding> other = AvroSerde.forValues(Embedding.class,
                Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + scope))) {
            embedding = other.serializer().serialize("vilstream.embeddings.text.v1", SampleRecords.embedding());
        }
        WireFormatException e = catchThrowableOfType(WireFormatException.class,
                () -> serde.deserializer().deserialize(TOPIC, embedding));
        assertThat(e.reason()).isEqualTo(Reason.INCOMPATIBLE_WRITER);
        assertThat(e.getMessage()).contains("ContentEvent");
    }

    @Test
    void randomCorruptionNeverEscapesAsAnotherException() {
        Random random = new Random(20_260_101L);
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            for (int i = 0; i < 3_000; i++) {
                byte[] bytes = valid.clone();
                int flips = 1 + random.nextInt(4);
                for (int f = 0; f < flips; f++) {
                    // keep the header intact most of the time, so the body decoder gets exercised
                    int at = 5 + random.nextInt(bytes.length - 5);
                    bytes[at] = (byte) random.nextInt(256);
                }
                if (random.nextInt(4) == 0) {
                    bytes = Arrays.copyOf(bytes, 5 + random.nextInt(bytes.length - 4));
                }
                try {
                    serde.deserializer().deserialize(TOPIC, bytes);
                } catch (WireFormatException expected) {
                    assertThat(expected.reason()).isIn(Reason.TRUNCATED_AVRO, Reason.TRAILING_BYTES);
                }
            }
        });
    }

    @Test
    void anUnreachableRegistryIsReportedAfterBoundedRetries() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Map<String, Object> config = Map.of(
                AvroSerdeConfig.SCHEMA_REGISTRY_URL, "http://127.0.0.1:" + closedPort,
                AvroSerdeConfig.MAX_RETRIES, 2,
                AvroSerdeConfig.RETRIES_WAIT_MS, 50,
                AvroSerdeConfig.RETRIES_MAX_WAIT_MS, 100,
                AvroSerdeConfig.HTTP_CONNECT_TIMEOUT_MS, 1000);
        try (AvroSerde<ContentEvent> offline = AvroSerde.forValues(ContentEvent.class, config)) {
            long t0 = System.nanoTime();
            WireFormatException read = catchThrowableOfType(WireFormatException.class,
                    () -> offline.deserializer().deserialize(TOPIC, valid));
            assertThat(read.reason()).isEqualTo(Reason.REGISTRY_UNAVAILABLE);
            assertThat(read.getMessage()).contains("3 attempts").contains(TOPIC);

            assertThatThrownBy(() -> offline.serializer().serialize(TOPIC, SampleRecords.contentEvent("a")))
                    .isInstanceOfSatisfying(WireFormatException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.REGISTRY_UNAVAILABLE));
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        }
    }

    private static byte[] zigzagVarint(long value) {
        long n = (value << 1) ^ (value >> 63);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while ((n & ~0x7FL) != 0) {
            out.write((int) ((n & 0x7F) | 0x80));
            n >>>= 7;
        }
        out.write((int) n);
        return out.toByteArray();
    }
}
