package io.vilstream.runtime.config;

import java.util.List;

import org.apache.kafka.common.config.ConfigDef;

/**
 * Renders a ConfigDef as a Markdown table (key, environment variable, type, default, valid
 * values, importance, documentation): the configuration reference is generated from the one
 * declaration, never written twice.
 */
public final class ConfigDocs {

    private ConfigDocs() {
    }

    public static String markdown(ConfigDef def) {
        StringBuilder sb = new StringBuilder();
        sb.append("| key | environment | type | default | valid values | importance | description |\n");
        sb.append("|---|---|---|---|---|---|---|\n");
        List<ConfigDef.ConfigKey> keys = def.configKeys().values().stream()
                .sorted((a, b) -> a.name.compareTo(b.name)).toList();
        for (ConfigDef.ConfigKey k : keys) {
            sb.append("| `").append(k.name).append("` | `").append(ConfigSources.envName(k.name)).append("` | ")
                    .append(k.type.name().toLowerCase()).append(" | ")
                    .append(k.hasDefault() ? "`" + ConfigDef.convertToString(k.defaultValue, k.type) + "`" : "(required)")
                    .append(" | ").append(k.validator == null ? "" : k.validator.toString().replace("|", "\\|"))
                    .append(" | ").append(k.importance.name().toLowerCase())
                    .append(" | ").append(k.documentation == null ? "" : k.documentation.replace("|", "\\|").replace("\n", " "))
                    .append(" |\n");
        }
        return sb.toString();
    }
}
