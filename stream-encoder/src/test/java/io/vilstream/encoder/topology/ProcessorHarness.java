package io.vilstream.encoder.topology;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Executor;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vilstream.encoder.batching.BufferEntry;
import io.vilstream.encoder.batching.BufferEntrySerde;
import io.vilstream.encoder.batching.ThreadBatches;
import io.vilstream.encoder.metrics.EncoderMetrics;
import io.vilstream.encoder.models.SwappableModel;
import io.vilstream.model.config.ModelConfig;
import io.vilstream.schemas.avro.ContentEvent;
import io.vilstream.schemas.avro.Embedding;
import io.vilstream.schemas.serde.AvroSerde;
import io.vilstream.schemas.topics.TopicSet;
import io.vilstream.schemas.topics.VilstreamTopic;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * One {@link EncodeProcessor} on a {@link MockProcessorContext} with real in-memory stores, driven
 * the way Kafka Streams drives it: records, wall-clock punctuations, and close → init on the same
 * instance (a revived task; the buffer store keeps what was committed, as a restore would).
 * Tower batches run on the executor the test gives (the calling thread, or held until the test
 * runs them in the order it wants).
 */
final class ProcessorHarness {

    static final String TOPIC = TopicSet.defaults().name(VilstreamTopic.CONTENT);

    final MockProcessorContext<Object, Object> context;
    final KeyValueStore<String, BufferEntry> buffer;
    final KeyValueStore<String, EmbeddedState> embeddedVersions;
    final EncoderMetrics metrics = new EncoderMetrics(new SimpleMeterRegistry());
    final ThreadBatches<EncodeProcessor.Buffered> batches;
    final EncodeProcessor processor;
    private final Serializer<ContentEvent> serializer;
    private long nextOffset;
    private long now = 1_000;

    ProcessorHarness(SwappableModel model, int batchSize, long lingerMs, EncodeOptions options, int maxInFlight, Executor towers) {
        this(model, batchSize, lingerMs, options, maxInFlight, towers, BufferWatch.NONE);
    }

    ProcessorHarness(SwappableModel model, int batchSize, long lingerMs, EncodeOptions options, int maxInFlight, Executor towers,
                     BufferWatch watch) {
        this(model, batchSize, lingerMs, options, maxInFlight, towers, watch, BackfillScope.ALL);
    }

    /** A backfill's processor writing only within {@code scope}. */
    ProcessorHarness(SwappableModel model, int batchSize, long lingerMs, EncodeOptions options, int maxInFlight, Executor towers,
                     BufferWatch watch, BackfillScope scope) {
        Map<String, Object> serdeConfig = Map.of("schema.registry.url", "mock://processor-" + UUID.randomUUID());
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "processor-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        context = new MockProcessorContext<>(p);
        context.setCurrentSystemTimeMs(now);
        buffer = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(EncoderTopology.BUFFER_STORE), Serdes.String(),
                new BufferEntrySerde()).withLoggingDisabled().build();
        buffer.init(context.getStateStoreContext(), buffer);
        context.addStateStore(buffer);
        embeddedVersions = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(EncoderTopology.EMBEDDED_VERSIONS_STORE),
                Serdes.String(), EmbeddedState.serde()).withLoggingDisabled().build();
        embeddedVersions.init(context.getStateStoreContext(), embeddedVersions);
        context.addStateStore(embeddedVersions);
        EncoderTopology.Settings settings = new EncoderTopology.Settings("vilstream-dual", batchSize, lingerMs,
                ContentValidator.Limits.defaults(), ModelConfig.tiny().imageSize(), 3, 0f, options);
        AvroSerde<ContentEvent> serde = AvroSerde.forValues(ContentEvent.class, serdeConfig);
        serializer = serde.serializer();
        batches = new ThreadBatches<>(maxInFlight);
        processor = new EncodeProcessor(settings, serde.deserializer(), model, null, metrics, batches, towers, watch, scope);
    }

    void init() {
        processor.init(context);
    }

    /** What Kafka Streams does to a corrupted task: closes its processors and initialises the same instances again. */
    void revive() {
        processor.close();
        context.scheduledPunctuators().forEach(MockProcessorContext.CapturedPunctuator::cancel);
        processor.init(context);
    }

    void send(ContentEvent e) {
        context.setRecordMetadata(TOPIC, 0, nextOffset++);
        processor.process(new Record<>(e.getId().getBytes(StandardCharsets.UTF_8), serializer.serialize(TOPIC, e), now));
    }

    /** A tombstone for {@code id} (its content deleted), stamped {@code timestamp}. */
    void sendTombstone(String id, long timestamp) {
        context.setRecordMetadata(TOPIC, 0, nextOffset++);
        processor.process(new Record<>(id.getBytes(StandardCharsets.UTF_8), null, timestamp));
    }

    /** {@code e} with the record timestamp {@code timestamp}. */
    void send(ContentEvent e, long timestamp) {
        context.setRecordMetadata(TOPIC, 0, nextOffset++);
        processor.process(new Record<>(e.getId().getBytes(StandardCharsets.UTF_8), serializer.serialize(TOPIC, e), timestamp));
    }

    /** What was forwarded to {@code sink}, in order: "id" for a record, "id:deleted" for a tombstone. */
    List<String> forwardedTo(String sink) {
        List<String> out = new ArrayList<>();
        for (MockProcessorContext.CapturedForward<?, ?> f : context.forwarded()) {
            if (f.childName().orElse("").equals(sink)) {
                out.add(f.record().key() + (f.record().value() == null ? ":deleted" : ""));
            }
        }
        return out;
    }

    /** Puts {@code events} straight into the buffer store: what a restore from the changelog leaves there. */
    void restored(List<ContentEvent> events) {
        for (ContentEvent e : events) {
            long offset = nextOffset++;
            buffer.put(BufferEntry.storeKey(offset), new BufferEntry(e.getId().getBytes(StandardCharsets.UTF_8),
                    serializer.serialize(TOPIC, e), TOPIC, 0, offset, now));
        }
    }

    /** Advances the wall clock by {@code ms} and runs the live punctuation. */
    void tick(long ms) {
        now += ms;
        context.setCurrentSystemTimeMs(now);
        for (MockProcessorContext.CapturedPunctuator p : context.scheduledPunctuators()) {
            if (!p.cancelled()) {
                p.getPunctuator().punctuate(now);
            }
        }
    }

    /** The image embeddings forwarded so far, in order. */
    List<Embedding> images() {
        List<Embedding> out = new ArrayList<>();
        for (MockProcessorContext.CapturedForward<?, ?> f : context.forwarded()) {
            if (f.childName().orElse("").equals(EncoderTopology.SINK_IMAGE)) {
                out.add((Embedding) f.record().value());
            }
        }
        return out;
    }

    List<String> imageIds() {
        return images().stream().map(Embedding::getContentId).toList();
    }

    int buffered() {
        int n = 0;
        try (var it = buffer.all()) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }

    /** An executor that holds tower batches until the test runs them, in any order. */
    static final class HeldTowers implements Executor {
        private final List<Runnable> jobs = new ArrayList<>();

        @Override
        public synchronized void execute(Runnable job) {
            jobs.add(job);
        }

        synchronized int started() {
            return jobs.size();
        }

        /** Runs the {@code i}-th batch started (0 = the first) on the calling thread. */
        void run(int i) {
            Runnable job;
            synchronized (this) {
                job = jobs.get(i);
            }
            job.run();
        }
    }
}
