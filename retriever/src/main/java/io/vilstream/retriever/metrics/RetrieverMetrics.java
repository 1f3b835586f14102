package io.vilstream.retriever.metrics;

import java.util.List;
import java.util.Locale;
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
 * switches by kind, ingested embeddings by outcome, and the content cache's size. Names and
 * descriptions are declared once, in {@link Metric}: dashboards and alerts depend on them, and
 * README.md's metrics table is generated from the same list (a test compares).
 */
public final class RetrieverMetrics implements VersionedIndexes.VersionListener, EmbeddingIngestor.Counters {

    /** Every meter the retriever registers: the deployment contract for dashboards and alerts. */
    public enum Metric {
        QUERIES("vilstream.retriever.queries", Meter.Type.COUNTER, List.of("type", "outcome"),
                "Queries by type (text, image) and outcome (ok, client_error, unavailable, error)"),
        QUERY("vilstream.retriever.query", Meter.Type.TIMER, List.of("type"),
                "Time to encode a query and search the served index (answered queries; histogram)"),
        SERVED_VERSION("vilstream.retriever.served.version", Meter.Type.GAUGE, List.of(),
                "The model version whose index answers queries (-1 before the first)"),
        TARGET_VERSION("vilstream.retriever.target.version", Meter.Type.GAUGE, List.of(),
                "The promoted model version the retriever moves to"),
        INDEX_SIZE("vilstream.retriever.index.size", Meter.Type.GAUGE, List.of("version"),
                "Searchable items in a version's index"),
        COVERAGE("vilstream.retriever.coverage", Meter.Type.GAUGE, List.of("version"),
                "Fraction of the served version's items a version's index holds"),
        SWITCHES("vilstream.retriever.switches", Meter.Type.COUNTER, List.of("kind"),
                "Changes of the served version by kind (startup, promotion, rollback)"),
        EMBEDDINGS("vilstream.retriever.embeddings", Meter.Type.COUNTER, List.of("outcome"),
                "Embedding records read, by what became of them (indexed, completed, other_model, "
                        + "dimension_mismatch, version_dropped, undecodable)"),
        CATALOG_ITEMS("vilstream.retriever.catalog.items", Meter.Type.GAUGE, List.of(),
                "Items whose content is cached"),
        CATALOG_BYTES("vilstream.retriever.catalog.bytes", Meter.Type.GAUGE, List.of(),
                "Approximate bytes of cached content"),
        CAUGHT_UP("vilstream.retriever.caught.up", Meter.Type.GAUGE, List.of(),
                "1 once the embedding topics were read to their start-up end"),
        INGEST_LAG("vilstream.retriever.ingest.lag", Meter.Type.GAUGE, List.of(),
                "Embedding records committed but not yet read (up to each partition's last stable offset, as of the last poll;"
                        + " -1 before the first): what a new version's coverage waits for after its backfill");

        private final String name;
        private final Meter.Type type;
        private final List<String> tags;
        private final String description;

        Metric(String name, Meter.Type type, List<String> tags, String description) {
            this.name = name;
            this.type = type;
            this.tags = tags;
            this.description = description;
        }

        /** The Micrometer name. */
        public String meterName() {
            return name;
        }

        public Meter.Type type() {
            return type;
        }

        public List<String> tags() {
            return tags;
        }

        public String description() {
            return description;
        }

        /**
         * The series name on {@code /metrics} (Micrometer's Prometheus naming: dots become
         * underscores, counters end in {@code _total}, timers in {@code _seconds} with
         * {@code _bucket}, {@code _count} and {@code _sum}).
         */
        public String prometheusName() {
            String base = name.replace('.', '_');
            return switch (type) {
                case COUNTER -> base + "_total";
                case TIMER -> base + "_seconds";
                default -> base;
            };
        }

        /** The README table: one row per meter. */
        public static String markdown() {
            StringBuilder sb = new StringBuilder("| Prometheus series | Micrometer name | type | tags | description |\n");
            sb.append("|---|---|---|---|---|\n");
            for (Metric m : values()) {
                sb.append("| `").append(m.prometheusName()).append("` | `").append(m.name).append("` | ")
                        .append(m.type.name().toLowerCase(Locale.ROOT)).append(" | ")
                        .append(String.join(", ", m.tags)).append(" | ").append(m.description).append(" |\n");
            }
            return sb.toString();
        }
    }

    private final MeterRegistry registry;
    private final VersionedIndexes versions;
    private final Map<Long, Meter[]> perVersion = new ConcurrentHashMap<>();

    public RetrieverMetrics(MeterRegistry registry, VersionedIndexes versions, ContentCatalog catalog) {
        this.registry = registry;
        this.versions = versions;
        Gauge.builder(Metric.SERVED_VERSION.name, versions,
                        v -> v.served().map(s -> (double) s.version()).orElse(-1.0))
                .description(Metric.SERVED_VERSION.description).register(registry);
        Gauge.builder(Metric.TARGET_VERSION.name, versions, VersionedIndexes::target)
                .description(Metric.TARGET_VERSION.description).register(registry);
        Gauge.builder(Metric.CATALOG_ITEMS.name, catalog, ContentCatalog::size)
                .description(Metric.CATALOG_ITEMS.description).register(registry);
        Gauge.builder(Metric.CATALOG_BYTES.name, catalog, ContentCatalog::bytes)
                .description(Metric.CATALOG_BYTES.description).baseUnit("bytes").register(registry);
        Gauge.builder(Metric.CAUGHT_UP.name, versions, v -> v.caughtUp() ? 1 : 0)
                .description(Metric.CAUGHT_UP.description).register(registry);
    }

    /** The embedding reader's lag (records; -1 while unknown), read at each scrape. */
    public void ingestLag(java.util.function.LongSupplier lag) {
        // held strongly: a gauge keeps only a weak reference to its object, and nothing else holds this supplier
        Gauge.builder(Metric.INGEST_LAG.name, lag, l -> l.getAsLong()).description(Metric.INGEST_LAG.description)
                .strongReference(true).register(registry);
    }

    /** One answered or refused query. */
    public void query(String type, String outcome, long nanos) {
        Counter.builder(Metric.QUERIES.name).tag("type", type).tag("outcome", outcome)
                .description(Metric.QUERIES.description)
                .register(registry).increment();
        if ("ok".equals(outcome)) {
            Timer.builder(Metric.QUERY.name).tag("type", type)
                    .description(Metric.QUERY.description)
                    .publishPercentileHistogram()
                    .register(registry).record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void added(long version) {
        String v = Long.toString(version);
        Meter items = Gauge.builder(Metric.INDEX_SIZE.name, versions,
                        x -> x.index(version).map(i -> (double) i.items()).orElse(0.0))
                .tag("version", v).description(Metric.INDEX_SIZE.description).register(registry);
        Meter coverage = Gauge.builder(Metric.COVERAGE.name, versions, x -> x.coverage(version))
                .tag("version", v).description(Metric.COVERAGE.description)
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
        Counter.builder(Metric.SWITCHES.name).tag("kind", event.kind().name().toLowerCase())
                .description(Metric.SWITCHES.description)
                .register(registry).increment();
    }

    @Override
    public void record(VersionedIndexes.Outcome outcome) {
        Counter.builder(Metric.EMBEDDINGS.name).tag("outcome", outcome.name().toLowerCase())
                .description(Metric.EMBEDDINGS.description).register(registry).increment();
    }

    @Override
    public void undecodable() {
        Counter.builder(Metric.EMBEDDINGS.name).tag("outcome", "undecodable")
                .description(Metric.EMBEDDINGS.description).register(registry).increment();
    }
}
