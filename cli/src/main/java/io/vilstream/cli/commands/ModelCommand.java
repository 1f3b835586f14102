package io.vilstream.cli.commands;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vilstream.modelstore.ModelAdmin;
import io.vilstream.modelstore.ModelRegistryState;
import io.vilstream.modelstore.ModelStore;
import io.vilstream.modelstore.ModelStoreTopics;
import io.vilstream.runtime.config.CommonConfig;
import io.vilstream.runtime.kafka.KafkaSettings;
import io.vilstream.schemas.avro.ModelVersion;
import io.vilstream.schemas.topics.TopicSet;
import io.vilstream.schemas.topics.VilstreamTopic;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vilstream model list | show V | rollback --to V}: the model versions as the versions
 * topic records them, read and written through the model store ({@code read_committed}, so only
 * complete versions are seen; a rollback is one transaction).
 */
@Command(name = "model", mixinStandardHelpOptions = true,
        description = "Model versions: list them, show one, roll the served version back.",
        subcommands = {ModelCommand.ListVersions.class, ModelCommand.Show.class, ModelCommand.Rollback.class})
public final class ModelCommand implements Runnable {

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** What every subcommand needs: where the cluster is, which model, the store on it. */
    abstract static class StoreCommand {

        @Mixin
        ServiceOptions service;

        @Option(names = "--model", paramLabel = "NAME", description = "The model lineage (key model.name, default vilstream-dual).")
        String model;

        @Option(names = "--timeout", defaultValue = "60", description = "Seconds to wait for the model topics (default ${DEFAULT-VALUE}).")
        long timeoutSeconds;

        @Spec
        CommandSpec spec;

        private AbstractConfig config;

        AbstractConfig config() {
            if (config == null) {
                Map<String, Object> raw = service.resolve(CommonConfig.define(new ConfigDef(), 0), TrainerCommand.configFile(spec));
                if (model != null) {
                    raw.put(CommonConfig.MODEL_NAME, model);
                }
                config = new AbstractConfig(CommonConfig.define(new ConfigDef(), 0), raw, false);
            }
            return config;
        }

        String modelName() {
            return config().getString(CommonConfig.MODEL_NAME);
        }

        KafkaSettings settings() {
            return CommonConfig.kafkaSettings(config());
        }

        ModelStore store() {
            TopicSet topics = TopicSet.fromConfig(config().originals());
            return new ModelStore(settings(), new ModelStoreTopics(topics.name(VilstreamTopic.MODEL_VERSIONS),
                    topics.name(VilstreamTopic.MODEL_CHECKPOINTS)));
        }

        Duration timeout() {
            return Duration.ofSeconds(timeoutSeconds);
        }

        ModelRegistryState state() {
            return store().readState(modelName(), timeout());
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Lists the retained versions: status, parent, training step, validation recall, weights, created time. "
                    + "* marks the served version.")
    static final class ListVersions extends StoreCommand implements Callable<Integer> {

        @Option(names = "--json", description = "Print the version records as a JSON array instead of a table.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            ModelRegistryState state = state();
            Optional<Long> served = state.served().map(ModelVersion::getVersion);
            if (json) {
                List<Map<String, Object>> out = new ArrayList<>();
                state.all().forEach(v -> out.add(asJson(v, served)));
                System.out.println(JSON.writeValueAsString(out));
                return 0;
            }
            if (state.all().isEmpty()) {
                System.out.printf("model %s has no published version (version 0, the seeded initial model, is served)%n",
                        modelName());
                return 0;
            }
            System.out.printf("model %s: %d retained version(s), served: %s%n", modelName(), state.all().size(),
                    served.map(v -> "v" + v).orElse("v0 (seeded initial model)"));
            System.out.printf("  %7s  %-11s %6s %8s  %-13s %-13s %6s %5s %8s  %-19s  %s%n", "version", "status", "parent",
                    "step", "i2t R@1/R@10", "t2i R@1/R@10", "tag P5", "val", "weights", "created (UTC)", "reason");
            for (ModelVersion v : state.all()) {
                Map<String, Double> m = v.getMetrics();
                System.out.printf("%s %7d  %-11s %6s %8d  %-13s %-13s %6s %5s %8s  %-19s  %s%n",
                        served.filter(s -> s == v.getVersion()).isPresent() ? "*" : " ", v.getVersion(), v.getStatus(),
                        v.getParent() == null ? "-" : v.getParent().toString(), v.getTrainingStep(),
                        pair(m, "val.i2t.r1", "val.i2t.r10"), pair(m, "val.t2i.r1", "val.t2i.r10"), num(m, "tagger.p5"),
                        m.containsKey("val.items") ? String.valueOf(m.get("val.items").intValue()) : "-",
                        v.getChunkCount() > 0 ? mib(v.getSizeBytes()) : "none", TIME.format(v.getCreatedAt()),
                        v.getReason() == null ? "" : v.getReason());
            }
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Prints one version's record as JSON.")
    static final class Show extends StoreCommand implements Callable<Integer> {

        @Parameters(paramLabel = "VERSION", description = "The version number.")
        long version;

        @Override
        public Integer call() throws Exception {
            ModelRegistryState state = state();
            ModelVersion v = state.get(version).orElseThrow(() -> new IllegalArgumentException("model " + modelName()
                    + " has no version " + version + " (retained: "
                    + state.all().stream().map(ModelVersion::getVersion).toList() + ")"));
            System.out.println(JSON.writeValueAsString(asJson(v, state.served().map(ModelVersion::getVersion))));
            return 0;
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = "Makes version V the served version again (newer promoted versions become ROLLED_BACK, in one "
                    + "transaction). Encoders swap back; the trainer continues from V under new version numbers.")
    static final class Rollback extends StoreCommand implements Callable<Integer> {

        @Option(names = "--to", required = true, paramLabel = "V", description = "The version to serve again (it must still have its weights).")
        long target;

        @Option(names = "--reason", defaultValue = "operator rollback", description = "Recorded in the version records (default: ${DEFAULT-VALUE}).")
        String reason;

        @Override
        public Integer call() throws Exception {
            List<ModelVersion> written = new ModelAdmin(settings(), store()).rollback(modelName(), target, reason, timeout());
            System.out.printf("model %s: version %d is served again%n", modelName(), target);
            for (ModelVersion v : written) {
                if (v.getVersion() != target) {
                    System.out.printf("  version %d: %s%n", v.getVersion(), v.getStatus());
                }
            }
            return 0;
        }
    }

    static Map<String, Object> asJson(ModelVersion v, Optional<Long> served) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model_name", v.getModelName());
        out.put("version", v.getVersion());
        out.put("served", served.filter(s -> s == v.getVersion()).isPresent());
        out.put("status", v.getStatus().name());
        out.put("reason", v.getReason());
        out.put("parent", v.getParent());
        out.put("training_step", v.getTrainingStep());
        out.put("sha256", v.getSha256());
        out.put("size_bytes", v.getSizeBytes());
        out.put("chunk_count", v.getChunkCount());
        out.put("metrics", new TreeMap<>(v.getMetrics()));
        out.put("newest_event_time", iso(v.getNewestEventTime()));
        out.put("created_at", iso(v.getCreatedAt()));
        out.put("updated_at", iso(v.getUpdatedAt()));
        if (v.getNewestEventTime() != null) {
            out.put("staleness_ms", Duration.between(v.getNewestEventTime(), v.getCreatedAt()).toMillis());
        }
        return out;
    }

    private static String iso(Instant t) {
        return t == null ? null : t.toString();
    }

    private static String pair(Map<String, Double> m, String a, String b) {
        return m.containsKey(a) && m.containsKey(b) ? num(m, a) + "/" + num(m, b) : "-";
    }

    private static String num(Map<String, Double> m, String key) {
        Double d = m.get(key);
        return d == null ? "-" : String.format(Locale.ROOT, "%.3f", d);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
