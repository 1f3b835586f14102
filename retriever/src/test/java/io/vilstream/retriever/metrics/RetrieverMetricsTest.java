package io.vilstream.retriever.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vilstream.model.image.ImageDecoder;
import io.vilstream.retriever.catalog.ContentCatalog;
import io.vilstream.retriever.index.ExactIndex;
import io.vilstream.retriever.versions.ServingPolicy;
import io.vilstream.retriever.versions.SwitchEvent;
import io.vilstream.retriever.versions.VersionedIndexes;
import org.junit.jupiter.api.Test;

/** The declared metric list is what /metrics serves, and README.md's table is generated from it. */
class RetrieverMetricsTest {

    @Test
    void everyDeclaredMetricIsServedUnderItsPrometheusNameAndNoOther() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        VersionedIndexes versions = new VersionedIndexes("m", ExactIndex::new, 3, new ServingPolicy(true),
                v -> {
                    throw new UnsupportedOperationException("no towers in this test");
                }, new ImageDecoder.Limits(1024, 1024), Clock.systemUTC());
        RetrieverMetrics metrics = new RetrieverMetrics(registry, versions, new ContentCatalog(10, 1024, 1024));
        metrics.added(0);
        metrics.query("text", "ok", 1_000_000);
        metrics.switched(new SwitchEvent(null, 0, ServingPolicy.Kind.STARTUP, "start", 0, Instant.now()));
        metrics.record(VersionedIndexes.Outcome.INDEXED);
        metrics.ingestLag(() -> 0);

        String scrape = registry.scrape();
        Set<String> served = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^(vilstream_retriever_[a-z_]+?)(_bucket|_count|_sum|_max)?[{ ]").matcher(scrape);
        while (m.find()) {
            served.add(m.group(1));
        }
        Set<String> declared = new TreeSet<>(Arrays.stream(RetrieverMetrics.Metric.values())
                .map(RetrieverMetrics.Metric::prometheusName).toList());
        assertThat(served).isEqualTo(declared);
        assertThat(scrape).contains("vilstream_retriever_query_seconds_bucket");
    }

    @Test
    void readmeTableIsGeneratedFromTheDeclaredList() throws Exception {
        // regenerate with RetrieverMetrics.Metric.markdown() and paste it under "## Metrics"
        assertThat(Files.readString(Path.of("README.md"))).contains(RetrieverMetrics.Metric.markdown());
    }
}
