package io.vilstream.retriever;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import io.vilstream.retriever.index.IndexType;
import io.vilstream.runtime.config.ConfigDocs;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** Configuration fails fast naming the bad key; defaults serve on 8080 with exact search. */
class RetrieverConfigTest {

    static final Map<String, String> REQUIRED = Map.of("bootstrap.servers", "127.0.0.1:9092",
            "schema.registry.url", "http://127.0.0.1:8081");

    @Test
    void defaultsAreExactSearchOnPort8080BoundToLoopback() {
        RetrieverConfig c = new RetrieverConfig(REQUIRED);
        assertThat(c.indexType()).isEqualTo(IndexType.EXACT);
        assertThat(c.port()).isEqualTo(8080);
        assertThat(c.host()).isEqualTo("127.0.0.1");
        assertThat(c.apiLimits().maxK()).isEqualTo(100);

        Map<String, String> explicit = new java.util.HashMap<>(REQUIRED);
        explicit.put(RetrieverConfig.PORT, "9090");
        explicit.put(RetrieverConfig.HOST, "0.0.0.0");
        assertThat(new RetrieverConfig(explicit).port()).isEqualTo(9090);
        assertThat(new RetrieverConfig(explicit).host()).isEqualTo("0.0.0.0");
        Map<String, String> viaMetrics = new java.util.HashMap<>(REQUIRED);
        viaMetrics.put("metrics.port", "0");
        assertThat(new RetrieverConfig(viaMetrics).port()).isZero();
    }

    @Test
    void aBadValueNamesItsKey() {
        Map<String, String> badType = new java.util.HashMap<>(REQUIRED);
        badType.put(RetrieverConfig.INDEX_TYPE, "faiss");
        assertThatThrownBy(() -> new RetrieverConfig(badType)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(RetrieverConfig.INDEX_TYPE).hasMessageContaining("exact or hnsw");

        Map<String, String> badVersions = new java.util.HashMap<>(REQUIRED);
        badVersions.put(RetrieverConfig.VERSIONS_MAX, "1");
        assertThatThrownBy(() -> new RetrieverConfig(badVersions)).hasMessageContaining(RetrieverConfig.VERSIONS_MAX);

        Map<String, String> badK = new java.util.HashMap<>(REQUIRED);
        badK.put(RetrieverConfig.SEARCH_DEFAULT_K, "500");
        assertThatThrownBy(() -> new RetrieverConfig(badK)).hasMessageContaining(RetrieverConfig.SEARCH_DEFAULT_K);

        assertThatThrownBy(() -> new RetrieverConfig(Map.of())).hasMessageContaining("bootstrap.servers");

        Map<String, String> badPort = new java.util.HashMap<>(REQUIRED);
        badPort.put(RetrieverConfig.PORT, "70000");
        assertThatThrownBy(() -> new RetrieverConfig(badPort)).hasMessageContaining(RetrieverConfig.PORT);
    }

    @Test
    void httpThreadsAndTimeoutsHaveSafeDefaultsAndBadValuesNameTheirKey() {
        io.vilstream.runtime.http.ServerLimits limits = new RetrieverConfig(REQUIRED).serverLimits();
        assertThat(limits.workerThreads()).isEqualTo(8);
        assertThat(limits.workerQueue()).isEqualTo(128);
        assertThat(limits.connectionThreads()).isEqualTo(16);
        assertThat(limits.headerTimeout()).isEqualTo(java.time.Duration.ofSeconds(10));
        assertThat(limits.bodyTimeout()).isEqualTo(java.time.Duration.ofSeconds(30));
        assertThat(limits.responseTimeout()).isEqualTo(java.time.Duration.ofSeconds(30));

        for (Map.Entry<String, String> bad : Map.of(RetrieverConfig.HTTP_THREADS, "0",
                RetrieverConfig.HTTP_QUEUE, "-1", RetrieverConfig.HTTP_CONNECTION_THREADS, "0",
                RetrieverConfig.HTTP_HEADER_TIMEOUT_MS, "0", RetrieverConfig.HTTP_BODY_TIMEOUT_MS, "99",
                RetrieverConfig.HTTP_RESPONSE_TIMEOUT_MS, "forever").entrySet()) {
            Map<String, String> settings = new java.util.HashMap<>(REQUIRED);
            settings.put(bad.getKey(), bad.getValue());
            assertThatThrownBy(() -> new RetrieverConfig(settings)).isInstanceOf(ConfigException.class)
                    .hasMessageContaining(bad.getKey());
        }
    }

    @Test
    void theReferenceTableListsEveryRetrieverKey() {
        String table = ConfigDocs.markdown(RetrieverConfig.definition());
        assertThat(table).contains("`retriever.index.type`", "`retriever.versions.max`", "`retriever.upload.max.bytes`",
                "`VILSTREAM_RETRIEVER_INDEX_TYPE`", "`retriever.http.threads`", "`retriever.http.body.timeout.ms`");
    }
}
