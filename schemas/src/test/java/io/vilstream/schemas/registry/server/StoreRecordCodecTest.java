package io.vilstream.schemas.registry.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vilstream.schemas.registry.CompatibilityLevel;
import io.vilstream.schemas.registry.core.StoreEntry;
import org.junit.jupiter.api.Test;

class StoreRecordCodecTest {

    private final StoreRecordCodec codec = new StoreRecordCodec();

    @Test
    void roundTripsSchemaConfigAndDeletionEntries() {
        StoreEntry schema = new StoreEntry.SchemaVersion("s-value", 2, 7, "\"string\"");
        StoreEntry soft = new StoreEntry.VersionDeletion("s-value", 2, false);
        StoreEntry permanent = new StoreEntry.VersionDeletion("s-value", 2, true);
        StoreEntry global = new StoreEntry.CompatibilityConfig(null, CompatibilityLevel.FULL);
        StoreEntry subject = new StoreEntry.CompatibilityConfig("s-value", CompatibilityLevel.NONE);
        StoreEntry removed = new StoreEntry.CompatibilityConfig("s-value", null);
        for (StoreEntry e : new StoreEntry[] {schema, global, subject, removed, soft, permanent}) {
            StoreRecordCodec.Encoded encoded = codec.encode(e);
            assertThat(codec.decode(encoded.key(), encoded.value())).contains(e);
        }
        assertThat(codec.encode(removed).value()).isNull();
    }

    @Test
    void everySchemaAndDeletionRecordHasAKeyOfItsOwnSoCompactionNeitherRemovesNorMovesIt() {
        StoreEntry claim = new StoreEntry.SchemaVersion("s", 1, 1, "\"string\"");
        StoreEntry deletion = new StoreEntry.VersionDeletion("s", 1, false);
        assertThat(codec.encode(claim).key()).isNotEqualTo(codec.encode(claim).key());
        assertThat(codec.encode(deletion).key()).isNotEqualTo(codec.encode(deletion).key())
                .contains("\"keytype\":\"DELETE_VERSION\"");
    }

    @Test
    void distinctClaimsOnOneVersionHaveDistinctKeysSoCompactionKeepsBoth() {
        String a = codec.encode(new StoreEntry.SchemaVersion("s", 1, 1, "\"string\"")).key();
        String b = codec.encode(new StoreEntry.SchemaVersion("s", 1, 1, "\"int\"")).key();
        String c = codec.encode(new StoreEntry.SchemaVersion("s", 1, 2, "\"string\"")).key();
        assertThat(a).isNotEqualTo(b).isNotEqualTo(c).contains("\"keytype\":\"SCHEMA\"");
        // config keys are one per subject: the last level set wins, also after compaction
        assertThat(codec.encode(new StoreEntry.CompatibilityConfig("s", CompatibilityLevel.FULL)).key())
                .isEqualTo(codec.encode(new StoreEntry.CompatibilityConfig("s", CompatibilityLevel.NONE)).key());
    }

    @Test
    void readsConfluentShapedRecordsAndSkipsWhatItDoesNotUse() {
        String key = "{\"keytype\":\"SCHEMA\",\"subject\":\"s\",\"version\":1,\"magic\":1}";
        String value = "{\"subject\":\"s\",\"version\":1,\"id\":3,\"schema\":\"\\\"string\\\"\",\"deleted\":false}";
        assertThat(codec.decode(key, value)).contains(new StoreEntry.SchemaVersion("s", 1, 3, "\"string\""));
        assertThat(codec.decode(key, value.replace("false", "true"))).isEmpty();
        assertThat(codec.decode(key, null)).isEmpty();
        assertThat(codec.decode("{\"keytype\":\"NOOP\",\"magic\":0}", null)).isEmpty();
        assertThat(codec.decode(key, value.replace("}", ",\"schemaType\":\"PROTOBUF\"}"))).isEmpty();
    }

    @Test
    void rejectsRecordsThatAreNotItsJson() {
        assertThatThrownBy(() -> codec.decode("not json", "{}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> codec.decode("{\"keytype\":\"SCHEMA\"}", "{\"subject\":\"s\"}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version");
        assertThatThrownBy(() -> codec.decode("{\"keytype\":\"CONFIG\",\"subject\":null}", "{\"compatibilityLevel\":\"X\"}"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
