package io.vilstream.cli.commands;

import java.util.Map;
import java.util.concurrent.Callable;

import io.vilstream.schemas.topics.TopicCreator;
import io.vilstream.schemas.topics.TopicReport;
import io.vilstream.schemas.topics.TopicSet;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vilstream topics create}: create or verify the vilstream topic set on any cluster. */
@Command(name = "topics", mixinStandardHelpOptions = true, description = "Manage the vilstream topics.",
        subcommands = TopicsCommand.Create.class)
public final class TopicsCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Creates the missing vilstream topics and verifies existing ones (partitions, cleanup policy). Idempotent.")
    static final class Create implements Callable<Integer> {

        @Option(names = "--bootstrap", required = true, description = "Kafka bootstrap servers. Env: VILSTREAM_BOOTSTRAP.")
        String bootstrap;

        @Option(names = "--partitions", defaultValue = "4", description = "Partitions of the partitioned topics (default ${DEFAULT-VALUE}).")
        int partitions;

        @Option(names = "--replication-factor", defaultValue = "-1", description = "Replication factor of created topics; -1 = the broker's default (default ${DEFAULT-VALUE}).")
        short replicationFactor;

        @Option(names = "--prefix", description = "A prefix for every topic name (e.g. a tenant).")
        String prefix;

        @Override
        public Integer call() {
            TopicSet.Builder set = TopicSet.builder().partitions(partitions);
            if (prefix != null) {
                set.prefix(prefix);
            }
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                TopicReport report = new TopicCreator(admin).replicationFactor(replicationFactor).ensure(set.build());
                System.out.println(report.summary());
                return report.mismatched().isEmpty() ? 0 : 3;
            }
        }
    }
}
