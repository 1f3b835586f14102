package io.vilstream.cli.commands;

import java.util.List;
import java.util.concurrent.Callable;

import io.vilstream.cli.Vilstream;
import io.vilstream.datasets.EmojiDataset;
import io.vilstream.datasets.item.EmojiItem;
import io.vilstream.datasets.produce.ContentProducer;
import io.vilstream.datasets.split.Split;
import io.vilstream.runtime.config.CommonConfig;
import io.vilstream.schemas.avro.ContentEvent;
import io.vilstream.schemas.serde.AvroSerde;
import io.vilstream.schemas.topics.TopicSet;
import io.vilstream.schemas.topics.VilstreamTopic;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code vilstream produce}: publishes dataset items as content events. */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = "Publishes emoji items as ContentEvents (Avro, Confluent wire format) to the content topic.")
public final class ProduceCommand implements Callable<Integer> {

    @ParentCommand
    Vilstream root;

    @Mixin
    ServiceOptions service;

    @Mixin
    DatasetOptions dataset = new DatasetOptions("fixture");

    @Option(names = "--split", description = "train, val or test (default: all).")
    String split;

    @Option(names = "--rate", defaultValue = "0", description = "Events per second; 0 = as fast as possible (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--limit", description = "At most this many items.")
    Integer limit;

    @Option(names = "--repeat", defaultValue = "1", description = "Send the selection this many times (same ids: updates) (default ${DEFAULT-VALUE}).")
    int repeat;

    @Override
    public Integer call() throws Exception {
        ConfigDef def = CommonConfig.define(new ConfigDef(), 0);
        AbstractConfig config = new AbstractConfig(def, service.resolve(def, root.configFile()));
        var settings = CommonConfig.kafkaSettings(config);
        EmojiDataset ds = dataset.load();
        List<EmojiItem> items = split == null ? ds.items() : ds.items(Split.parse(split));
        if (limit != null) {
            items = items.subList(0, Math.min(limit, items.size()));
        }
        String topic = TopicSet.fromConfig(config.originals()).name(VilstreamTopic.CONTENT);
        AvroSerde<ContentEvent> serde = AvroSerde.forValues(ContentEvent.class, settings.serdeConfig());
        long total = (long) items.size() * repeat;
        try (ContentProducer producer = ContentProducer.open(settings.common(), serde.serializer(), topic)) {
            long sent = producer.publish(items, repeat, rate, n -> {
                if (n % 100 == 0 || n == total) {
                    System.out.printf("\rproduced %d / %d", n, total);
                }
            });
            System.out.printf("%nproduced %d content events (%s%s) to %s%n", sent, ds.source().id(),
                    split == null ? "" : ", " + split, topic);
        }
        return 0;
    }
}
