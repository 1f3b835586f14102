package io.vilstream.schemas.testing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.vilstream.schemas.avro.Caption;
import io.vilstream.schemas.avro.CheckpointChunk;
import io.vilstream.schemas.avro.ContentEvent;
import io.vilstream.schemas.avro.Embedding;
import io.vilstream.schemas.avro.HardNegatives;
import io.vilstream.schemas.avro.ImageRendition;
import io.vilstream.schemas.avro.Modality;
import io.vilstream.schemas.avro.ModelStatus;
import io.vilstream.schemas.avro.ModelVersion;
import io.vilstream.schemas.avro.Negative;
import io.vilstream.schemas.avro.ObjectTags;
import io.vilstream.schemas.avro.ScoredTag;

/** One filled-in record of every contract type, with every optional field set, for the tests. */
public final class SampleRecords {

    public static final Instant EVENT_TIME = Instant.ofEpochMilli(1_767_225_600_123L);

    private SampleRecords() {
    }

    /** PNG magic and a few bytes: enough to be "image bytes" with every byte value class. */
    public static byte[] imageBytes() {
        byte[] b = new byte[64];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i * 37 - 128);
        }
        b[0] = (byte) 0x89;
        b[1] = 'P';
        b[2] = 'N';
        b[3] = 'G';
        return b;
    }

    public static ContentEvent contentEvent(String id) {
        return ContentEvent.newBuilder()
                .setId(id)
                .setImages(List.of(
                        ImageRendition.newBuilder().setData(ByteBuffer.wrap(imageBytes())).setMediaType("image/png")
                                .setSource("google").build(),
                        ImageRendition.newBuilder().setData(ByteBuffer.wrap("GIF89a".getBytes(StandardCharsets.US_ASCII)))
                                .setMediaType("image/gif").setSource(null).build()))
                .setCaptions(List.of(
                        Caption.newBuilder().setText("grinning face").setKind("name").setLocale(null).build(),
                        Caption.newBuilder().setText("visage souriant 😀").setKind("caption").setLocale("fr").build()))
                .setTags(List.of("face", "smile"))
                .setLocale("en")
                .setAttributes(Map.of("category", "Smileys & Emotion", "split", "train"))
                .setEventTime(EVENT_TIME)
                .build();
    }

    public static Embedding embedding() {
        return Embedding.newBuilder()
                .setContentId("1f600").setModality(Modality.TEXT).setView("caption")
                .setModelName("vilstream-small").setModelVersion(7L).setDimension(4)
                .setVector(List.of(0.5f, -0.5f, 0.5f, -0.5f))
                .setEventTime(EVENT_TIME).setProducedAt(EVENT_TIME.plusMillis(42))
                .build();
    }

    public static ObjectTags objectTags() {
        return ObjectTags.newBuilder()
                .setContentId("1f600")
                .setTags(List.of(ScoredTag.newBuilder().setTag("face").setScore(0.93f).build(),
                        ScoredTag.newBuilder().setTag("yellow").setScore(0.61f).build()))
                .setModelName("vilstream-small").setTaggerVersion(7L).setProducedAt(EVENT_TIME)
                .build();
    }

    public static HardNegatives hardNegatives() {
        return HardNegatives.newBuilder()
                .setAnchorId("1f600")
                .setNegatives(List.of(Negative.newBuilder().setContentId("1f603").setSimilarity(0.91f).build()))
                .setModelName("vilstream-small").setModelVersion(7L).setMinedAt(EVENT_TIME)
                .build();
    }

    public static ModelVersion modelVersion() {
        return ModelVersion.newBuilder()
                .setModelName("vilstream-small").setVersion(8L).setParent(7L)
                .setSha256("ab".repeat(32)).setSizeBytes(123_456L).setChunkCount(2).setTrainingStep(5000L)
                .setMetrics(Map.of("val.i2t.r10", 0.82, "val.t2i.r1", 0.41))
                .setStatus(ModelStatus.PROMOTED).setReason("gate passed")
                .setNewestEventTime(EVENT_TIME).setCreatedAt(EVENT_TIME.plusSeconds(60)).setUpdatedAt(EVENT_TIME.plusSeconds(61))
                .build();
    }

    public static CheckpointChunk checkpointChunk() {
        return CheckpointChunk.newBuilder()
                .setModelName("vilstream-small").setVersion(8L).setIndex(1).setCount(2)
                .setData(ByteBuffer.wrap(imageBytes()))
                .build();
    }
}
