package io.vilstream.retriever.testing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.vilstream.datasets.EmojiDataset;
import io.vilstream.datasets.item.EmojiItem;
import io.vilstream.model.image.ImageDecoder;
import io.vilstream.model.image.ImageRejectedException;
import io.vilstream.model.towers.DualEncoder;
import io.vilstream.runtime.kafka.KafkaSettings;
import io.vilstream.schemas.avro.ContentEvent;
import io.vilstream.schemas.avro.Embedding;
import io.vilstream.schemas.avro.Modality;
import io.vilstream.schemas.serde.AvroSerde;
import io.vilstream.schemas.topics.TopicSet;
import io.vilstream.schemas.topics.VilstreamTopic;
import io.vilstream.datasets.events.ContentEvents;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Real embeddings of the emoji fixture by a given model, as the stream encoder would write
 * them (first rendition → image embedding, name → text embedding), and a producer for them and
 * for the content events: the retriever's tests play the encoder's part themselves.
 */
public final class FixtureEmbeddings {

    /** One item's two vectors by one model. */
    public record Encoded(String id, float[] image, float[] text) {
    }

    private FixtureEmbeddings() {
    }

    public static List<EmojiItem> items() {
        return EmojiDataset.fixture().items();
    }

    public static List<Encoded> encode(DualEncoder model, List<EmojiItem> items) {
        ImageDecoder decoder = new ImageDecoder(model.config().imageSize());
        List<float[]> images = new ArrayList<>();
        for (EmojiItem item : items) {
            try {
                images.add(decoder.decode(item.renditions().get(0).png()));
            } catch (ImageRejectedException e) {
                throw new AssertionError(e);
            }
        }
        float[][] img = model.encodeImages(images);
        float[][] txt = model.encodeTexts(items.stream().map(EmojiItem::name).toList());
        List<Encoded> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            out.add(new Encoded(items.get(i).id(), img[i], txt[i]));
        }
        return out;
    }

    public static Embedding record(String id, Modality modality, String model, long version, float[] v) {
        List<Float> values = new ArrayList<>(v.length);
        for (float f : v) {
            values.add(f);
        }
        return Embedding.newBuilder().setContentId(id).setModality(modality)
                .setView(modality == Modality.IMAGE ? "image" : "caption").setModelName(model).setModelVersion(version)
                .setDimension(v.length).setVector(values).setEventTime(Instant.EPOCH).setProducedAt(Instant.now()).build();
    }

    /** Produces embeddings and content events to a cluster's topics. */
    public static final class Producer implements AutoCloseable {
        private final KafkaProducer<String, Embedding> embeddings;
        private final KafkaProducer<String, ContentEvent> content;
        private final TopicSet topics;

        public Producer(KafkaSettings settings, TopicSet topics) {
            Map<String, Object> p = settings.common();
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            this.embeddings = new KafkaProducer<>(p, new StringSerializer(),
                    AvroSerde.forValues(Embedding.class, settings.serdeConfig()).serializer());
            this.content = new KafkaProducer<>(p, new StringSerializer(),
                    AvroSerde.forValues(ContentEvent.class, settings.serdeConfig()).serializer());
            this.topics = topics;
        }

        public void content(List<EmojiItem> items) {
            for (EmojiItem item : items) {
                content.send(new ProducerRecord<>(topics.name(VilstreamTopic.CONTENT), item.id(),
                        ContentEvents.from(item, Instant.EPOCH)));
            }
            content.flush();
        }

        /** Both halves of each item. */
        public void both(List<Encoded> encoded, String model, long version) {
            for (Encoded e : encoded) {
                image(e, model, version);
                text(e, model, version);
            }
            embeddings.flush();
        }

        public void image(Encoded e, String model, long version) {
            embeddings.send(new ProducerRecord<>(topics.name(VilstreamTopic.EMBEDDINGS_IMAGE), e.id(),
                    record(e.id(), Modality.IMAGE, model, version, e.image())));
            embeddings.flush();
        }

        public void text(Encoded e, String model, long version) {
            embeddings.send(new ProducerRecord<>(topics.name(VilstreamTopic.EMBEDDINGS_TEXT), e.id(),
                    record(e.id(), Modality.TEXT, model, version, e.text())));
            embeddings.flush();
        }

        @Override
        public void close() {
            embeddings.close();
            content.close();
        }
    }
}
