package io.vilstream.cli.commands;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.vilstream.retriever.RetrieverConfig;
import io.vilstream.retriever.RetrieverService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vilstream retriever}: the search service in the foreground — one index per model
 * version built from the embedding topics, the HTTP JSON API, the web page, {@code /metrics}
 * and {@code /health} on one port (default 8080, 127.0.0.1).
 */
@Command(name = "retriever", mixinStandardHelpOptions = true,
        description = {"Serves nearest-neighbour search over the embedding topics: GET /v1/search?text=..., "
                + "POST /v1/search/image, GET /v1/items/{id}, GET /v1/status, the page at /, /openapi.json, /metrics, "
                + "/health. Follows the promoted model version and switches when its index covers the served one.",
            "Any retriever.* key can be given with --set (see docs for the list), e.g. --set retriever.index.type=hnsw."})
public final class RetrieverCommand implements Callable<Integer> {

    @Mixin
    ServiceOptions service;

    @Option(names = "--port", description = "HTTP port of the API, page, /metrics and /health (key retriever.port, default 8080).")
    Integer port;

    @Option(names = "--host", description = "Bind address (key retriever.host, default 127.0.0.1; 0.0.0.0 in containers).")
    String host;

    @Option(names = "--index", paramLabel = "exact|hnsw", description = "Index type (key retriever.index.type, default exact).")
    String index;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> raw = service.resolve(RetrieverConfig.definition(), configFile());
        if (port != null) {
            raw.put(RetrieverConfig.PORT, port.toString());
        }
        if (host != null) {
            raw.put(RetrieverConfig.HOST, host);
        }
        if (index != null) {
            raw.put(RetrieverConfig.INDEX_TYPE, index);
        }
        RetrieverConfig config = new RetrieverConfig(raw);
        RetrieverService retriever = RetrieverService.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            retriever.close();
            stopped.countDown();
        }, "retriever-shutdown"));
        System.out.printf("Retriever:        %s/ (API /v1/*, page /, /openapi.json, /metrics, /health)%n", retriever.url());
        System.out.printf("Model:            %s, index %s; serving once the embedding topics are read%n",
                config.modelName(), config.indexType().name().toLowerCase());
        System.out.flush();
        stopped.await();
        return 0;
    }

    /** The inherited global {@code --config FILE}, if given. */
    private String configFile() {
        for (CommandSpec s = spec; s != null; s = s.parent()) {
            OptionSpec o = s.findOption("--config");
            if (o != null && o.getValue() != null) {
                return o.getValue().toString();
            }
        }
        return null;
    }
}
