package io.vilstream.schemas.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;

import io.vilstream.schemas.avro.ContentEvent;
import io.vilstream.schemas.avro.Negative;
import org.junit.jupiter.api.Test;

class TrustedPackagesTest {

    @Test
    void trustsTheGeneratedPackageWithoutTheSystemProperty() {
        // this module's surefire argLine deliberately leaves the property out (schemas/pom.xml)
        assertThat(System.getProperty("org.apache.avro.SERIALIZABLE_PACKAGES")).isNull();
        TrustedPackages.install();
        assertThat(TrustedPackages.isTrusted(ContentEvent.class)).isTrue();
        assertThat(TrustedPackages.isTrusted(Negative.class)).isTrue();
    }

    @Test
    void doesNotOpenTheDoorToOtherClasses() {
        TrustedPackages.install();
        assertThat(TrustedPackages.isTrusted(File.class)).isFalse();
        assertThat(TrustedPackages.isTrusted(ProcessBuilder.class)).isFalse();
    }
}
