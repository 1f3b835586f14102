package io.vilstream.schemas.registry.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import io.vilstream.schemas.registry.CompatibilityLevel;
import io.vilstream.schemas.registry.CompatibilityResult;
import io.vilstream.schemas.registry.RegisteredSchema;
import io.vilstream.schemas.registry.SchemaRegistryException;
import org.junit.jupiter.api.Test;

/** The registry rules, on the in-memory store: ids, versions, lookups, errors and every compatibility level. */
class SchemaRegistryCoreTest {

    static final String ID_ONLY = record("{\"name\":\"id\",\"type\":\"string\"}");
    static final String NAME_WITH_DEFAULT = record("{\"name\":\"id\",\"type\":\"string\"}",
            "{\"name\":\"name\",\"type\":\"string\",\"default\":\"?\"}");
    static final String NAME_REQUIRED = record("{\"name\":\"id\",\"type\":\"string\"}",
            "{\"name\":\"name\",\"type\":\"string\"}");
    static final String ID_AS_INT = record("{\"name\":\"id\",\"type\":\"int\"}");

    static String record(String... fields) {
        return "{\"type\":\"record\",\"name\":\"Item\",\"namespace\":\"test\",\"fields\":[" + String.join(",", fields) + "]}";
    }

    private final SchemaRegistryCore core = SchemaRegistryCore.inMemory();

    @Test
    void registrationIsIdempotentAndIgnoresFormatting() {
        RegisteredSchema first = core.register("s", ID_ONLY);
        RegisteredSchema again = core.register("s", ID_ONLY.replace(",", " ,\n  "));
        assertThat(again).isEqualTo(first);
        assertThat(first.version()).isEqualTo(1);
        assertThat(core.versions("s")).containsExactly(1);
    }

    @Test
    void theSameSchemaHasOneIdAcrossSubjects() {
        int a = core.register("a", ID_ONLY).id();
        RegisteredSchema b = core.register("b", ID_ONLY);
        assertThat(b.id()).isEqualTo(a);
        assertThat(b.version()).isEqualTo(1);
        assertThat(core.subjects()).containsExactly("a", "b");
    }

    @Test
    void aCompatibleChangeGetsANewIdAndVersion() {
        RegisteredSchema v1 = core.register("s", ID_ONLY);
        RegisteredSchema v2 = core.register("s", NAME_WITH_DEFAULT);
        assertThat(v2.id()).isNotEqualTo(v1.id());
        assertThat(v2.version()).isEqualTo(2);
        assertThat(core.latest("s")).isEqualTo(v2);
        assertThat(core.version("s", "1")).isEqualTo(v1);
        assertThat(core.schemaById(v1.id()).toString()).isEqualTo(v1.schema().toString());
    }

    @Test
    void backwardRejectsANewFieldWithoutDefaultWithTheReason() {
        core.register("s", ID_ONLY);
        assertThatThrownBy(() -> core.register("s", NAME_REQUIRED))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.errorCode()).isEqualTo(409);
                    assertThat(e.getMessage()).contains("READER_FIELD_MISSING_DEFAULT_VALUE").contains("name")
                            .contains("BACKWARD");
                });
        assertThat(core.versions("s")).containsExactly(1);
    }

    @Test
    void backwardChecksOnlyTheLatestButBackwardTransitiveChecksAll() {
        core.register("plain", ID_ONLY);
        core.register("plain", NAME_WITH_DEFAULT);
        assertThat(core.register("plain", NAME_REQUIRED).version()).isEqualTo(3);

        core.setSubjectCompatibility("transitive", CompatibilityLevel.BACKWARD_TRANSITIVE);
        core.register("transitive", ID_ONLY);
        core.register("transitive", NAME_WITH_DEFAULT);
        assertThatThrownBy(() -> core.register("transitive", NAME_REQUIRED))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.getMessage()).contains("version 1");
                });
    }

    @Test
    void forwardLetsOldReadersReadNewData() {
        core.setSubjectCompatibility("s", CompatibilityLevel.FORWARD);
        core.register("s", ID_ONLY);
        // an added required field is fine: old readers ignore it
        assertThat(core.register("s", NAME_REQUIRED).version()).isEqualTo(2);
        // removing it is not: version 2 readers need it
        assertThatThrownBy(() -> core.register("s",
                ID_ONLY.replace("\"type\":\"string\"", "\"type\":\"string\",\"doc\":\"removed name\"")))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.status()).isEqualTo(409));
    }

    @Test
    void forwardTransitiveChecksEveryOldReader() {
        core.setSubjectCompatibility("plain", CompatibilityLevel.FORWARD);
        core.register("plain", NAME_REQUIRED);
        core.register("plain", NAME_WITH_DEFAULT);
        assertThat(core.register("plain", ID_ONLY).version()).isEqualTo(3);

        core.setSubjectCompatibility("transitive", CompatibilityLevel.FORWARD_TRANSITIVE);
        core.register("transitive", NAME_REQUIRED);
        core.register("transitive", NAME_WITH_DEFAULT);
        assertThatThrownBy(() -> core.register("transitive", ID_ONLY))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.status()).isEqualTo(409));
    }

    @Test
    void fullNeedsBothDirections() {
        core.setSubjectCompatibility("s", CompatibilityLevel.FULL);
        core.register("s", ID_ONLY);
        assertThatThrownBy(() -> core.register("s", NAME_REQUIRED))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.status()).isEqualTo(409));
        assertThat(core.register("s", NAME_WITH_DEFAULT).version()).isEqualTo(2);
    }

    @Test
    void fullTransitiveChecksBothDirectionsAgainstAll() {
        core.setSubjectCompatibility("plain", CompatibilityLevel.FULL);
        core.register("plain", ID_ONLY);
        core.register("plain", NAME_WITH_DEFAULT);
        assertThat(core.register("plain", NAME_REQUIRED).version()).isEqualTo(3);

        core.setSubjectCompatibility("transitive", CompatibilityLevel.FULL_TRANSITIVE);
        core.register("transitive", ID_ONLY);
        core.register("transitive", NAME_WITH_DEFAULT);
        assertThatThrownBy(() -> core.register("transitive", NAME_REQUIRED))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.status()).isEqualTo(409));
    }

    @Test
    void noneAcceptsAnything() {
        core.setGlobalCompatibility(CompatibilityLevel.NONE);
        core.register("s", ID_ONLY);
        assertThat(core.register("s", ID_AS_INT).version()).isEqualTo(2);
        assertThat(core.effectiveCompatibility("s")).isEqualTo(CompatibilityLevel.NONE);
    }

    @Test
    void subjectLevelOverridesGlobalAndCanBeRemoved() {
        assertThat(core.globalCompatibility()).isEqualTo(CompatibilityLevel.BACKWARD);
        assertThat(core.subjectCompatibility("s")).isEmpty();
        core.setSubjectCompatibility("s", CompatibilityLevel.NONE);
        assertThat(core.effectiveCompatibility("s")).isEqualTo(CompatibilityLevel.NONE);
        assertThat(core.deleteSubjectCompatibility("s")).isEqualTo(CompatibilityLevel.NONE);
        assertThat(core.effectiveCompatibility("s")).isEqualTo(CompatibilityLevel.BACKWARD);
        assertThatThrownBy(() -> core.deleteSubjectCompatibility("s"))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SUBJECT_COMPATIBILITY_NOT_CONFIGURED));
    }

    @Test
    void errorsCarryConfluentsCodes() {
        core.register("s", ID_ONLY);
        assertCode(() -> core.latest("nope"), 404, SchemaRegistryException.SUBJECT_NOT_FOUND);
        assertCode(() -> core.version("s", "7"), 404, SchemaRegistryException.VERSION_NOT_FOUND);
        assertCode(() -> core.version("s", "zero"), 422, SchemaRegistryException.INVALID_VERSION);
        assertCode(() -> core.version("s", "0"), 422, SchemaRegistryException.INVALID_VERSION);
        assertCode(() -> core.schemaById(999), 404, SchemaRegistryException.SCHEMA_NOT_FOUND);
        assertCode(() -> core.lookup("s", NAME_WITH_DEFAULT), 404, SchemaRegistryException.SCHEMA_NOT_FOUND);
        assertCode(() -> core.lookup("nope", ID_ONLY), 404, SchemaRegistryException.SUBJECT_NOT_FOUND);
        assertCode(() -> core.register("s", "{\"type\":\"record\",\"name\":\"X\"}"), 422, SchemaRegistryException.INVALID_SCHEMA);
        assertCode(() -> core.register("s", "not json"), 422, SchemaRegistryException.INVALID_SCHEMA);
        assertCode(() -> core.register("s", ""), 422, SchemaRegistryException.INVALID_SCHEMA);
        assertThat(core.version("s", "latest").version()).isEqualTo(1);
        assertThat(core.version("s", "-1").version()).isEqualTo(1);
    }

    @Test
    void testCompatibilityAgainstLatestOrAGivenVersion() {
        core.register("s", ID_ONLY);
        core.register("s", NAME_WITH_DEFAULT);
        CompatibilityResult latest = core.testCompatibility("s", "latest", NAME_REQUIRED);
        assertThat(latest.compatible()).isTrue();
        CompatibilityResult v1 = core.testCompatibility("s", "1", NAME_REQUIRED);
        assertThat(v1.compatible()).isFalse();
        assertThat(v1.messages()).anyMatch(m -> m.contains("READER_FIELD_MISSING_DEFAULT_VALUE"));
        assertThat(core.testCompatibility("new-subject", "latest", ID_AS_INT).compatible()).isTrue();
        assertCode(() -> core.testCompatibility("new-subject", "1", ID_AS_INT), 404, SchemaRegistryException.SUBJECT_NOT_FOUND);
    }

    @Test
    void aRegistrationThatLosesARaceForAnIdRetriesWithTheNextOne() {
        // another registry on the same log claims id 1 for another schema just before our write lands
        RacingStore store = new RacingStore(new StoreEntry.SchemaVersion("other", 1, 1, canonical(NAME_REQUIRED)));
        SchemaRegistryCore racing = SchemaRegistryCore.open(store);
        RegisteredSchema mine = racing.register("s", ID_ONLY);
        assertThat(mine.id()).isEqualTo(2);
        assertThat(racing.schemaById(1).toString()).isEqualTo(canonical(NAME_REQUIRED));
        assertThat(store.log).hasSize(3); // the foreign claim, our losing claim, our winning one

        // a replica replaying the same log reaches the same state
        InMemorySchemaStore replay = new InMemorySchemaStore();
        SchemaRegistryCore replayed = SchemaRegistryCore.open(replay);
        store.log.forEach(replay::append);
        assertThat(replayed.latest("s")).isEqualTo(mine);
        assertThat(replayed.latest("other").id()).isEqualTo(1);
    }

    private static String canonical(String schema) {
        return SchemaRegistryCore.parse(schema).toString();
    }

    private static void assertCode(Runnable call, int status, int code) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
            assertThat(e.status()).as(e.getMessage()).isEqualTo(status);
            assertThat(e.errorCode()).as(e.getMessage()).isEqualTo(code);
        });
    }

    /** A store where a foreign claim lands just before this registry's first write. */
    private static final class RacingStore implements SchemaStore {
        final List<StoreEntry> log = new ArrayList<>();
        private final StoreEntry foreign;
        private Consumer<StoreEntry> sink;
        private boolean raced;

        RacingStore(StoreEntry foreign) {
            this.foreign = foreign;
        }

        @Override
        public void start(Consumer<StoreEntry> sink) {
            this.sink = sink;
        }

        @Override
        public void append(StoreEntry entry) {
            if (!raced) {
                raced = true;
                log.add(foreign);
                sink.accept(foreign);
            }
            log.add(entry);
            sink.accept(entry);
        }

        @Override
        public void catchUp() {
        }

        @Override
        public void close() {
        }
    }
}
