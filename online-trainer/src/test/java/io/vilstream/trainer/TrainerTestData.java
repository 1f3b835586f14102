package io.vilstream.trainer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.vilstream.datasets.EmojiDataset;
import io.vilstream.datasets.events.ContentEvents;
import io.vilstream.datasets.item.EmojiItem;
import io.vilstream.datasets.split.Split;
import io.vilstream.modelstore.ModelStore;
import io.vilstream.modelstore.ModelStoreTopics;
import io.vilstream.runtime.kafka.KafkaSettings;
import io.vilstream.schemas.avro.ContentEvent;
import io.vilstream.schemas.avro.HardNegatives;
import io.vilstream.schemas.serde.AvroSerde;
import io.vilstream.schemas.topics.VilstreamTopic;
import io.vilstream.testkit.VilstreamCluster;
import io.vilstream.trainer.config.TrainerConfig;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** Test data on the embedded cluster: the emoji fixture as content events, hard negatives, trainer configs. */
public final class TrainerTestData {

    public static final Duration T = Duration.ofSeconds(60);

    private TrainerTestData() {
    }

    public static List<ContentEvent> fixtureEvents() {
        List<ContentEvent> out = new ArrayList<>();
        Instant t = Instant.now();
        for (EmojiItem item : EmojiDataset.fixture().items()) {
            out.add(ContentEvents.from(item, t));
        }
        return out;
    }

    public static List<String> idsOf(Split split) {
        return EmojiDataset.fixture().items().stream().map(EmojiItem::id).filter(id -> Split.of(id) == split).toList();
    }

    /**
     * Copies of the fixture's train items under ids that fall into the validation split: a
     * validation set on which a model that learned the train items is measurably good, so a
     * destroyed model is measurably worse.
     */
    public static List<ContentEvent> validationCopiesOfTrainItems() {
        List<ContentEvent> out = new ArrayList<>();
        for (ContentEvent e : fixtureEvents()) {
            if (Split.of(e.getId()) != Split.TRAIN) {
                continue;
            }
            int n = 0;
            String id;
            do {
                id = e.getId() + "~val" + n++;
            } while (Split.of(id) != Split.VAL);
            out.add(ContentEvent.newBuilder(e).setId(id).build());
        }
        return out;
    }

    public static void produceContent(VilstreamCluster cluster, List<ContentEvent> events) throws Exception {
        produce(cluster, ContentEvent.class, cluster.topics().name(VilstreamTopic.CONTENT),
                events.stream().map(e -> Map.entry(e.getId(), e)).toList());
    }

    public static void produceHardNegatives(VilstreamCluster cluster, List<HardNegatives> records) throws Exception {
        produce(cluster, HardNegatives.class, cluster.topics().name(VilstreamTopic.HARD_NEGATIVES),
                records.stream().map(r -> Map.entry(r.getAnchorId(), r)).toList());
    }

    private static <T extends SpecificRecord> void produce(VilstreamCluster cluster, Class<T> type, String topic,
                                                           List<Map.Entry<String, T>> records) throws Exception {
        KafkaSettings s = cluster.settings();
        try (KafkaProducer<String, T> p = new KafkaProducer<>(s.common(), new StringSerializer(),
                AvroSerde.forValues(type, s.serdeConfig()).serializer())) {
            for (Map.Entry<String, T> r : records) {
                p.send(new ProducerRecord<>(topic, r.getKey(), r.getValue())).get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** A fast trainer: tiny model, small batches, frequent gates, no ops port clash. */
    public static Map<String, Object> trainerProps(VilstreamCluster cluster, String model) {
        Map<String, Object> p = new HashMap<>();
        p.put("bootstrap.servers", cluster.bootstrapServers());
        p.put("schema.registry.url", cluster.registryUrl());
        p.put("model.name", model);
        p.put("model.preset", "tiny");
        p.put("metrics.port", "0");
        p.put(TrainerConfig.BATCH_SIZE, "8");
        p.put(TrainerConfig.REPLAY_SIZE, "64");
        p.put(TrainerConfig.GATE_INTERVAL_STEPS, "25");
        p.put(TrainerConfig.LEARNING_RATE_WARMUP_STEPS, "10");
        p.put(TrainerConfig.HARD_NEGATIVES_WARMUP_STEPS, "0");
        p.put(TrainerConfig.VOCABULARY_MIN_COUNT, "1");
        p.put(TrainerConfig.POLL_MS, "200");
        return p;
    }

    public static ModelStore store(VilstreamCluster cluster) {
        return new ModelStore(cluster.settings(), ModelStoreTopics.defaults());
    }

    public static Map<String, String> strings(Map<String, Object> props) {
        Map<String, String> out = new HashMap<>();
        props.forEach((k, v) -> out.put(k, String.valueOf(v)));
        return out;
    }
}
