package io.vilstream.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

class SerdeConfigDocsTest {

    @Test
    void theReadmeDocumentsEveryKeyWithItsDefault() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        for (ConfigDef.ConfigKey key : AvroSerdeConfig.configDef().configKeys().values()) {
            assertThat(readme).as(key.name).contains("| `" + key.name + "` |");
            if (key.hasDefault() && key.defaultValue != null && !key.defaultValue.toString().isEmpty()
                    && key.type != ConfigDef.Type.PASSWORD) {
                assertThat(readme).as(key.name + " default").contains("`" + key.name + "` | `" + key.defaultValue + "` |");
            }
        }
    }
}
