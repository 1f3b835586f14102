package io.vilstream.retriever.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vilstream.retriever.catalog.ContentCatalog;
import io.vilstream.retriever.ingest.EmbeddingIngestor;
import io.vilstream.retriever.versions.SwitchEvent;
import io.vilstream.retriever.versions.VersionedIndexes;

/**
 * The retriever's meters, all named {@code vilstream.retriever.*}: queries by type and outcome,
 * query latency by type, the served and promoted versions, items and coverage per held version,
 * switches by kind, ingested embeddings by outcome, and the content cache's size.
 */
public final class RetrieverMetrics implements VersionedIndexes.VersionListener, EmbeddingIngestor.Counters {

    private final MeterRegistry registry;
    private final VersionedIndexes versions;
    private final Map<Long, Meter[]> perVersion = new ConcurrentHashMap<>();

    public RetrieverMetrics(MeterRegistry registry, VersionedIndexes versions, ContentCatalog catalog) {
        this.registry = registry;
        this.versions = versions;
        Gauge.builder("vilstream.retriever.served.version", versions,
                        v -> v.served().map(s -> (double) s.version()).orElse(-1.0))
                .description("The model version whose index answers queries (-1 before the first)").register(registry);
        Gauge.builder("vilstream.retriever.target.version", versions, VersionedIndexes::target)
                .description("The promoted model version the retriever moves to").register(registry);
        Gauge.builder("vilstream.retriever.catalog.items", catalog, ContentCatalog::size)
                .description("Items whose content is cached").register(registry);
        Gauge.builder("vilstream.retriever.catalog.bytes", catalog, ContentCatalog::bytes)
                .description("Approximate bytes of cached content").baseUnit("bytes").register(registry);
        Gauge.builder("vilstream.retriever.caught.up", versions, v -> v.caughtUp() ? 1 : 0)
                .description("1 once the embedding topics were read to their start-up end").register(registry);
    }

    /** One answered or refused query. */
    public void query(String type, String outcome, long nanos) {
        Counter.builder("vilstream.retriever.queries").tag("type", type).tag("outcome", outcome)
                .description("Queries by type (text, image) and outcome (ok, client_error, unavailable, error)")
                .register(registry).increment();
        if ("ok".equals(outcome)) {
            Timer.builder("vilstream.retriever.query").tag("type", type)
                    .description("Time to encode a query and search the served index")
                    .publishPercentileHistogram()
                    .register(registry).record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void added(long version) {
        String v = Long.toString(version);
        Meter items = Gauge.builder("vilstream.retriever.index.size", versions,
                        x -> x.index(version).map(i -> (double) i.items()).orElse(0.0))
                .tag("version", v).description("Searchable items in a version's index").register(registry);
        Meter coverage = Gauge.builder("vilstream.retriever.coverage", versions, x -> x.coverage(version))
                .tag("version", v).description("Fraction of the served version's items a version's index holds")
                .register(registry);
        Meter[] old = perVersion.put(version, new Meter[] {items, coverage});
        if (old != null) {
            for (Meter m : old) {
                registry.remove(m);
            }
        }
    }

    @Override
    public void dropped(long version) {
        Meter[] meters = perVersion.remove(version);
        if (meters != null) {
            for (Meter m : meters) {
                registry.remove(m);
            }
        }
    }

    @Override
    public void switched(SwitchEvent event) {
        Counter.builder("vilstream.retriever.switches").tag("kind", event.kind().name().toLowerCase())
                .description("Changes of the served version by kind (startup, promotion, rollback)")
                .register(registry).increment();
    }

    @Override
    public void record(VersionedIndexes.Outcome outcome) {
        Counter.builder("vilstream.retriever.embeddings").tag("outcome", outcome.name().toLowerCase())
                .description("Embedding records read, by what became of them").register(registry).increment();
    }

    @Override
    public void undecodable() {
        Counter.builder("vilstream.retriever.embeddings").tag("outcome", "undecodable")
                .description("Embedding records read, by what became of them").register(registry).increment();
    }
}
