package io.vilstream.cli.commands;

import java.util.Map;
import java.util.concurrent.Callable;

import io.vilstream.schemas.topics.TopicCreator;
import io.vilstream.schemas.topics.TopicReport;
import io.vilstream.schemas.topics.TopicSet;
import io.vilstream.runtime.config.CommonConfig;
import io.vilstream.runtime.config.ConfigSources;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vilstream topics create}: create or verify the vilstream topic set on any cluster. */
@Command(name = "topics", mixinStandardHelpOptions = true, description = "Manage the vilstream topics.",
        subcommands = TopicsCommand.Create.class)
public final class TopicsCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @picocli.CommandLine.ParentCommand
    io.vilstream.cli.Vilstream root;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Creates the missing vilstream topics and verifies existing ones (partitions, cleanup policy). Idempotent.")
    static final class Create implements Callable<Integer> {

        @picocli.CommandLine.ParentCommand
        TopicsCommand parent;

        @Option(names = "--bootstrap", description = "Kafka bootstrap servers (key bootstrap.servers; env VILSTREAM_BOOTSTRAP_SERVERS).")
        String bootstrap;

        @Option(names = {"--set", "-D"}, paramLabel = "KEY=VALUE",
                description = "Client settings, e.g. --set kafka.security.protocol=SASL_SSL (env VILSTREAM_KAFKA_<PROPERTY> for Kafka client properties).")
        Map<String, String> settings = new java.util.HashMap<>();

        @Option(names = "--partitions", defaultValue = "4", description = "Partitions of the partitioned topics (default ${DEFAULT-VALUE}). Env: VILSTREAM_TOPICS_PARTITIONS.")
        int partitions;

        @Option(names = "--replication-factor", defaultValue = "-1", description = "Replication factor of created topics; -1 = the broker's default (default ${DEFAULT-VALUE}). Env: VILSTREAM_TOPICS_REPLICATION_FACTOR.")
        short replicationFactor;

        @Option(names = "--prefix", description = "A prefix for every topic name (e.g. a tenant). Env: VILSTREAM_TOPICS_PREFIX.")
        String prefix;

        @Override
        public Integer call() {
            TopicSet.Builder set = TopicSet.builder().partitions(partitions);
            if (prefix != null) {
                set.prefix(prefix);
            }
            ConfigDef def = new ConfigDef().define(CommonConfig.BOOTSTRAP_SERVERS, ConfigDef.Type.LIST,
                    ConfigDef.NO_DEFAULT_VALUE, ConfigDef.Importance.HIGH, "Kafka bootstrap servers.");
            Map<String, Object> explicit = new java.util.HashMap<>(settings);
            if (bootstrap != null) {
                explicit.put(CommonConfig.BOOTSTRAP_SERVERS, bootstrap);
            }
            AbstractConfig config = new AbstractConfig(def, ConfigSources.merge(def,
                    parent.root.configFile() == null ? null : java.nio.file.Path.of(parent.root.configFile()), System.getenv(), explicit));
            Map<String, Object> client = ConfigSources.withPrefix(config.originals(), CommonConfig.KAFKA_PREFIX);
            client.put("bootstrap.servers", String.join(",", config.getList(CommonConfig.BOOTSTRAP_SERVERS)));
            try (Admin admin = Admin.create(client)) {
                TopicReport report = new TopicCreator(admin).replicationFactor(replicationFactor).ensure(set.build());
                System.out.println(report.summary());
                return report.mismatched().isEmpty() ? 0 : 3;
            }
        }
    }
}
