package io.vilstream.cli.chaos;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Scrapes the services' Prometheus endpoints on loopback every couple of seconds and keeps what
 * the checks and the progress line need: the largest tower batch any encoder reported
 * ({@code vilstream_encoder_batch_size_max}, a maximum over Micrometer's decaying window, so
 * scraping often enough sees every batch except the last seconds before a SIGKILL), each
 * encoder's live model version, and the trainer's served version and step.
 */
final class MetricsScraper {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Map<String, String> urls = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Double>> last = new ConcurrentHashMap<>();
    private final Map<String, Double> maxBatch = new ConcurrentHashMap<>();

    /** Adds a service to scrape, by name, at its {@code /metrics} URL. */
    void watch(String name, String metricsUrl) {
        urls.put(name, metricsUrl);
    }

    /** One round over every service; one that does not answer (killed, paused) keeps its last figures. */
    void scrapeAll() {
        urls.forEach((name, url) -> scrape(name, url).ifPresent(m -> {
            last.put(name, m);
            m.forEach((series, value) -> {
                if (series.startsWith("vilstream_encoder_batch_size_max{") && !value.isNaN()) {
                    String pipeline = series.contains("pipeline=\"backfill\"") ? "backfill" : "live";
                    maxBatch.merge(pipeline, value, Math::max);
                }
            });
        }));
    }

    /** Scrapes one service now: its series (name with labels) and values, empty when it does not answer. */
    Optional<Map<String, Double>> scrape(String name, String url) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return Optional.empty();
            }
            Map<String, Double> out = new java.util.HashMap<>();
            for (String line : r.body().split("\n")) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int space = line.lastIndexOf(' ');
                try {
                    out.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
                } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                    // not a sample line
                }
            }
            return Optional.of(out);
        } catch (java.io.IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The largest batch seen per pipeline (live, backfill). */
    Map<String, Double> maxBatch() {
        return Map.copyOf(maxBatch);
    }

    /** A series of a service's last scrape whose name (labels included) starts with {@code prefix}. */
    OptionalDouble value(String service, String prefix) {
        Map<String, Double> m = last.get(service);
        if (m == null) {
            return OptionalDouble.empty();
        }
        return m.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToDouble(Map.Entry::getValue).findFirst();
    }

    /** The live model version a service reports now (a fresh scrape), empty when it does not answer. */
    OptionalDouble liveVersionNow(String service) {
        String url = urls.get(service);
        return url == null ? OptionalDouble.empty() : scrape(service, url).map(m -> m.entrySet().stream()
                .filter(e -> e.getKey().startsWith("vilstream_encoder_model_version{") && e.getKey().contains("pipeline=\"live\""))
                .mapToDouble(Map.Entry::getValue).findFirst()).orElse(OptionalDouble.empty());
    }
}
