package io.vilstream.encoder.topology;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

import io.vilstream.encoder.batching.BufferEntrySerde;
import io.vilstream.encoder.batching.ThreadBatches;
import io.vilstream.encoder.batching.TowerWorkers;
import io.vilstream.encoder.metrics.EncoderMetrics;
import io.vilstream.encoder.mining.HardNegativeMiner;
import io.vilstream.encoder.models.SwappableModel;
import io.vilstream.schemas.avro.ContentEvent;
import io.vilstream.schemas.avro.Embedding;
import io.vilstream.schemas.avro.HardNegatives;
import io.vilstream.schemas.avro.ObjectTags;
import io.vilstream.schemas.serde.AvroSerde;
import io.vilstream.schemas.topics.TopicSet;
import io.vilstream.schemas.topics.VilstreamTopic;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds the stream encoder's topology — the one builder {@code main} and the tests share:
 *
 * <pre>
 * content (bytes) ─► encode ─┬─► embeddings.image   (Embedding, key = content id)
 *                  [buffer]  ├─► embeddings.text    (Embedding, key = content id)
 *                            ├─► tags               (ObjectTags)
 *                            ├─► hard-negatives     (HardNegatives, key = anchor id)
 *                            └─► content.dlq        (original bytes + reason headers)
 * </pre>
 *
 * The source reads raw bytes so that every decoding problem is the processor's to route to the
 * DLQ with its reason, instead of a handler that could only log or stop. The processor's
 * micro-batch buffer is an in-memory store with a changelog, so under exactly_once_v2 a crash or
 * rebalance restores exactly the committed buffer: nothing buffered is lost or emitted twice.
 * The tasks of one stream thread fill one shared batch ({@link ThreadBatches}), so the towers
 * see full batches whatever the number of input partitions.
 */
public final class EncoderTopology {

    public static final String SOURCE = "content";
    public static final String PROCESSOR = "encode";
    public static final String BUFFER_STORE = "encoder-buffer";

    /**
     * Every topic the live encoder's transactions write: the outputs, the buffer's changelog
     * (Kafka Streams names it {@code <application id>-<store>-changelog}) and the offsets topic
     * (the group's input offsets).
     */
    public static java.util.List<String> transactionalTopics(TopicSet topics, String applicationId) {
        java.util.List<String> names = new java.util.ArrayList<>(java.util.stream.Stream.of(VilstreamTopic.EMBEDDINGS_IMAGE,
                VilstreamTopic.EMBEDDINGS_TEXT, VilstreamTopic.TAGS, VilstreamTopic.HARD_NEGATIVES, VilstreamTopic.CONTENT_DLQ)
                .map(topics::name).toList());
        names.add(applicationId + "-" + BUFFER_STORE + "-changelog");
        // the input offsets commit in the same transaction, on the group's partition of the offsets topic: an
        // abort marker missing there leaves the group's offsets unstable, and a task that starts cannot read them
        names.add(org.apache.kafka.common.internals.Topic.GROUP_METADATA_TOPIC_NAME);
        return java.util.List.copyOf(names);
    }
    public static final String SINK_DLQ = "dlq";
    public static final String SINK_IMAGE = "embeddings-image";
    public static final String SINK_TEXT = "embeddings-text";
    public static final String SINK_TAGS = "tags";
    public static final String SINK_HARD_NEGATIVES = "hard-negatives";
    /** Backfill only: content id → model version (or deletion) of its latest image embedding (a global store). */
    public static final String EMBEDDED_VERSIONS_STORE = "embedded-versions";

    private EncoderTopology() {
    }

    /** Everything the encode processor needs, built once per topology. */
    public record Settings(String modelName, int batchSize, long lingerMs, ContentValidator.Limits limits,
                           int imageSize, int tagsTopK, float tagsThreshold, EncodeOptions options) {
    }

    /**
     * @param serdeConfig  schema registry settings for the Avro serdes
     * @param model        the current model (hot-swappable)
     * @param miner        the instance's hard-negative miner (null when mining is off)
     */
    /**
     * The processing guarantee of every encoder application (live and backfill): exactly_once_v2,
     * where a record that cannot be sent fails the stream thread ({@link FailThreadOnSendError}),
     * so that all of the thread's tasks resume from their last commit together.
     */
    public static void exactlyOnce(Properties p) {
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, FailThreadOnSendError.class);
        // Kafka 5 turns this on by default; on now, so it behaves the same (and does not warn)
        p.put("processing.exception.handler.global.enabled", true);
    }

    public static Topology build(TopicSet topics, Map<String, Object> serdeConfig, Settings settings,
                                 SwappableModel model, HardNegativeMiner miner, EncoderMetrics metrics) {
        return build(topics, serdeConfig, settings, model, miner, metrics, null);
    }

    /**
     * As {@link #build(TopicSet, Map, Settings, SwappableModel, HardNegativeMiner, EncoderMetrics)},
     * encoding batches on {@code towers} (null: on the stream threads themselves, one batch at a time).
     */
    public static Topology build(TopicSet topics, Map<String, Object> serdeConfig, Settings settings,
                                 SwappableModel model, HardNegativeMiner miner, EncoderMetrics metrics, TowerWorkers towers) {
        return build(topics, serdeConfig, settings, model, miner, metrics, towers, BufferWatch.NONE);
    }

    /**
     * As {@link #build(TopicSet, Map, Settings, SwappableModel, HardNegativeMiner, EncoderMetrics, TowerWorkers)},
     * telling {@code watch} which records enter and leave the buffers (a backfill's completion).
     */
    public static Topology build(TopicSet topics, Map<String, Object> serdeConfig, Settings settings, SwappableModel model,
                                 HardNegativeMiner miner, EncoderMetrics metrics, TowerWorkers towers, BufferWatch watch) {
        return build(topics, serdeConfig, settings, model, miner, metrics, towers, watch, BackfillScope.ALL);
    }

    /**
     * As {@link #build(TopicSet, Map, Settings, SwappableModel, HardNegativeMiner, EncoderMetrics, TowerWorkers, BufferWatch)},
     * a backfill writing only within {@code scope}.
     */
    public static Topology build(TopicSet topics, Map<String, Object> serdeConfig, Settings settings, SwappableModel model,
                                 HardNegativeMiner miner, EncoderMetrics metrics, TowerWorkers towers, BufferWatch watch,
                                 BackfillScope scope) {
        AvroSerde<Embedding> embeddings = AvroSerde.forValues(Embedding.class, serdeConfig);
        AvroSerde<ObjectTags> tags = AvroSerde.forValues(ObjectTags.class, serdeConfig);
        AvroSerde<HardNegatives> negatives = AvroSerde.forValues(HardNegatives.class, serdeConfig);
        AvroSerde<ContentEvent> content = AvroSerde.forValues(ContentEvent.class, serdeConfig);

        Topology t = new Topology();
        t.addSource(SOURCE, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(),
                topics.name(VilstreamTopic.CONTENT));
        // one batch per stream thread, across its tasks; up to one batch per worker in flight
        ThreadBatches<EncodeProcessor.Buffered> batches = new ThreadBatches<>(towers == null ? 1 : towers.workers());
        Executor executor = towers == null ? Runnable::run : towers;
        t.addProcessor(PROCESSOR, () -> new EncodeProcessor(settings, content.deserializer(), model, miner, metrics, batches, executor, watch,
                        scope),
                SOURCE);
        // Cached: a record buffered and encoded within one commit interval is put and deleted in the
        // cache, and only its tombstone reaches the changelog at the commit; the event's bytes are
        // written only for records still buffered when the commit comes (what a restore needs).
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(BUFFER_STORE), Serdes.String(),
                new BufferEntrySerde()).withLoggingEnabled(Map.of()).withCachingEnabled(), PROCESSOR);
        if (settings.options().skipEmbedded()) {
            t.addGlobalStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(EMBEDDED_VERSIONS_STORE),
                            Serdes.String(), EmbeddedState.serde()).withLoggingDisabled(),
                    "embedded-versions-source", Serdes.String().deserializer(), embeddings.deserializer(),
                    topics.name(VilstreamTopic.EMBEDDINGS_IMAGE), "embedded-versions-update", EmbeddedVersions::new);
        }
        t.addSink(SINK_IMAGE, topics.name(VilstreamTopic.EMBEDDINGS_IMAGE), Serdes.String().serializer(),
                embeddings.serializer(), PROCESSOR);
        t.addSink(SINK_TEXT, topics.name(VilstreamTopic.EMBEDDINGS_TEXT), Serdes.String().serializer(),
                embeddings.serializer(), PROCESSOR);
        if (settings.options().tags()) {
            t.addSink(SINK_TAGS, topics.name(VilstreamTopic.TAGS), Serdes.String().serializer(), tags.serializer(), PROCESSOR);
        }
        if (settings.options().hardNegatives()) {
            t.addSink(SINK_HARD_NEGATIVES, topics.name(VilstreamTopic.HARD_NEGATIVES), Serdes.String().serializer(),
                    negatives.serializer(), PROCESSOR);
        }
        if (settings.options().dlq()) {
            t.addSink(SINK_DLQ, topics.name(VilstreamTopic.CONTENT_DLQ), Serdes.ByteArray().serializer(),
                    Serdes.ByteArray().serializer(), PROCESSOR);
        }
        return t;
    }
}
