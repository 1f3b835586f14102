package io.vilstream.cli.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vilstream.cli.commands.DatasetOptions;
import io.vilstream.cli.commands.JsonOutput;
import io.vilstream.datasets.EmojiDataset;
import io.vilstream.datasets.item.EmojiItem;
import io.vilstream.model.config.ModelConfig;
import io.vilstream.model.image.ImageDecoder;
import io.vilstream.model.image.ImageRejectedException;
import io.vilstream.model.towers.DualEncoder;
import io.vilstream.retriever.index.ExactIndex;
import io.vilstream.retriever.index.HnswIndex;
import io.vilstream.model.vectors.ScalarKernel;
import io.vilstream.retriever.index.ScoredId;
import io.vilstream.model.vectors.SimilarityKernel;
import io.vilstream.retriever.index.VectorIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code vilstream bench retriever}: the retriever's index on this machine.
 * <ol>
 *   <li>Exact search latency (p50/p99 of single queries) and throughput (queries/s, one thread
 *       and several) at each gallery size, on synthetic unit vectors; the scalar kernel is timed
 *       in the same run so the SIMD speed-up is a same-run ratio.</li>
 *   <li>HNSW (Lucene) on synthetic vectors: build time, latency, recall@10 against exact.</li>
 *   <li>HNSW recall@10 against exact on real embeddings: the emoji set (full when cached or
 *       fetchable, else the fixture) encoded by a model — version 0 from the seed, or a
 *       checkpoint — text queries over the image gallery and image queries over the text one.</li>
 * </ol>
 * Prints a table and one machine-readable JSON line; {@code --json FILE} writes the same.
 */
@Command(name = "retriever", mixinStandardHelpOptions = true,
        description = {"Retriever index benchmark: exact-search latency p50/p99 and queries/s at each --sizes "
                + "(synthetic unit vectors, SIMD vs scalar in the same run); HNSW build time, latency and recall@10 "
                + "against exact on synthetic vectors (--ann-sizes) and on real embeddings of the emoji set."})
public final class RetrieverBenchmark implements Callable<Integer> {

    private static final int K = 10;

    @Option(names = "--sizes", split = ",", defaultValue = "10000,100000", description = "Gallery sizes for exact search (default ${DEFAULT-VALUE}).")
    List<Integer> sizes;

    @Option(names = "--ann-sizes", split = ",", defaultValue = "10000", description = "Gallery sizes for HNSW on synthetic vectors (default ${DEFAULT-VALUE}).")
    List<Integer> annSizes;

    @Option(names = "--dim", defaultValue = "384", description = "Vector dimension (default ${DEFAULT-VALUE}, the default model's d).")
    int dim;

    @Option(names = "--queries", defaultValue = "1000", description = "Timed queries per measurement (default ${DEFAULT-VALUE}).")
    int queries;

    @Option(names = "--threads", description = "Threads for the throughput measurement (default: available processors).")
    Integer threads;

    @Option(names = "--hnsw-m", defaultValue = "16", description = "HNSW neighbours per node (default ${DEFAULT-VALUE}).")
    int hnswM;

    @Option(names = "--hnsw-beam-width", defaultValue = "100", description = "HNSW build beam width (default ${DEFAULT-VALUE}).")
    int hnswBeam;

    @Option(names = "--hnsw-candidates", defaultValue = "100", description = "HNSW candidates per query (default ${DEFAULT-VALUE}).")
    int hnswCandidates;

    /** The real embeddings' items; the full set falls back to the fixture when it cannot be had. */
    @Mixin
    DatasetOptions dataset = new DatasetOptions("emoji");

    @Option(names = "--checkpoint", paramLabel = "FILE", description = "A model checkpoint to embed with (default: version 0 from --seed).")
    Path checkpoint;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of version 0 (default ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    JsonOutput json;

    @Override
    public Integer call() throws Exception {
        int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        HnswIndex.Params params = new HnswIndex.Params(hnswM, hnswBeam, hnswCandidates);
        Map<String, Object> result = new LinkedHashMap<>();
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cpus", Runtime.getRuntime().availableProcessors());
        machine.put("java", System.getProperty("java.version"));
        machine.put("kernel", SimilarityKernel.fastest().name());
        machine.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
        result.put("machine", machine);

        System.out.printf("exact search, d=%d, k=%d, %d timed queries, kernel %s, %d threads for throughput%n",
                dim, K, queries, SimilarityKernel.fastest().name(), t);
        System.out.printf("%9s | %9s %9s | %10s %10s | %12s %8s%n", "vectors", "p50 µs", "p99 µs", "q/s 1 thr", "q/s " + t + " thr",
                "scalar p50", "speed-up");
        List<Map<String, Object>> exact = new ArrayList<>();
        for (int n : sizes) {
            exact.add(exact(n, t));
        }
        result.put("exact", exact);

        System.out.printf("%nHNSW (Lucene, m=%d, beam=%d, candidates=%d) on synthetic vectors%n", hnswM, hnswBeam, hnswCandidates);
        System.out.printf("%9s | %8s | %9s %9s | %12s%n", "vectors", "build s", "p50 µs", "p99 µs", "recall@10");
        List<Map<String, Object>> hnsw = new ArrayList<>();
        for (int n : annSizes) {
            hnsw.add(hnswSynthetic(n, params));
        }
        result.put("hnsw_synthetic", hnsw);
        result.put("hnsw_real", hnswReal(params));

        String line = new ObjectMapper().writeValueAsString(result);
        System.out.println();
        System.out.println("json: " + line);
        json.write(result);
        return 0;
    }

    private Map<String, Object> exact(int n, int t) throws Exception {
        Random rnd = new Random(n);
        ExactIndex simd = new ExactIndex(dim);
        ExactIndex scalar = new ExactIndex(dim, new ScalarKernel());
        for (int i = 0; i < n; i++) {
            float[] v = unit(rnd, dim);
            simd.upsert("v" + i, v);
            scalar.upsert("v" + i, v);
        }
        float[][] qs = new float[queries][];
        for (int i = 0; i < queries; i++) {
            qs[i] = unit(rnd, dim);
        }
        long[] lat = latencies(simd, qs, Math.min(300, queries));
        int scalarQueries = Math.max(20, Math.min(queries, 200));
        long[] scalarLat = latencies(scalar, Arrays.copyOf(qs, scalarQueries), Math.min(50, scalarQueries));
        scalar.close();
        double qps1 = throughput(simd, qs, 1);
        double qpsT = throughput(simd, qs, t);
        simd.close();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("vectors", n);
        row.put("dim", dim);
        row.put("k", K);
        row.put("p50_us", micros(pct(lat, 0.50)));
        row.put("p99_us", micros(pct(lat, 0.99)));
        row.put("qps_1_thread", Math.round(qps1));
        row.put("threads", t);
        row.put("qps_threads", Math.round(qpsT));
        row.put("scalar_p50_us", micros(pct(scalarLat, 0.50)));
        row.put("simd_speedup", Math.round(pct(scalarLat, 0.50) / (double) pct(lat, 0.50) * 100) / 100.0);
        System.out.printf("%9d | %9.0f %9.0f | %10.0f %10.0f | %12.0f %7.2fx%n", n, (double) row.get("p50_us"),
                (double) row.get("p99_us"), qps1, qpsT, (double) row.get("scalar_p50_us"), (double) row.get("simd_speedup"));
        return row;
    }

    private Map<String, Object> hnswSynthetic(int n, HnswIndex.Params params) {
        Random rnd = new Random(31L * n);
        ExactIndex exact = new ExactIndex(dim);
        long t0 = System.nanoTime();
        try (HnswIndex hnsw = new HnswIndex(dim, params)) {
            float[][] data = new float[n][];
            for (int i = 0; i < n; i++) {
                data[i] = unit(rnd, dim);
                exact.upsert("v" + i, data[i]);
            }
            t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                hnsw.upsert("v" + i, data[i]);
            }
            hnsw.forceMerge();
            double build = (System.nanoTime() - t0) / 1e9;
            int nq = Math.min(queries, 500);
            float[][] qs = new float[nq][];
            for (int i = 0; i < nq; i++) {
                qs[i] = unit(rnd, dim);
            }
            long[] lat = latencies(hnsw, qs, Math.min(100, nq));
            double recall = recall(exact, hnsw, List.of(qs));
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("vectors", n);
            row.put("dim", dim);
            row.put("build_seconds", Math.round(build * 100) / 100.0);
            row.put("p50_us", micros(pct(lat, 0.50)));
            row.put("p99_us", micros(pct(lat, 0.99)));
            row.put("recall_at_10", round4(recall));
            System.out.printf("%9d | %8.1f | %9.0f %9.0f | %12.4f%n", n, build, (double) row.get("p50_us"),
                    (double) row.get("p99_us"), recall);
            return row;
        } finally {
            exact.close();
        }
    }

    private Map<String, Object> hnswReal(HnswIndex.Params params) throws Exception {
        EmojiDataset ds = dataset.loadOrFixture(notice -> { });
        String modelName;
        float[][] images;
        float[][] texts;
        long t0 = System.nanoTime();
        try (DualEncoder model = checkpoint == null ? DualEncoder.initial(ModelConfig.defaults(), seed)
                : DualEncoder.load(Files.readAllBytes(checkpoint))) {
            modelName = checkpoint == null ? "version 0 (seed " + seed + ")" : "version " + model.version() + " (" + checkpoint + ")";
            System.out.printf("%nEncoding the %s dataset (%d items) with %s...%n", ds.source().id(), ds.size(), modelName);
            ImageDecoder decoder = new ImageDecoder(model.config().imageSize());
            List<float[]> pics = new ArrayList<>();
            for (EmojiItem item : ds.items()) {
                try {
                    pics.add(decoder.decode(item.renditions().get(0).png()));
                } catch (ImageRejectedException e) {
                    throw new IllegalStateException("emoji " + item.id() + ": " + e.getMessage(), e);
                }
            }
            images = batched(pics, 128, model::encodeImages);
            texts = batched(ds.items().stream().map(EmojiItem::name).toList(), 128, model::encodeTexts);
        }
        double encodeSeconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("dataset", ds.source().id());
        out.put("items", ds.size());
        out.put("model", modelName);
        out.put("encode_seconds", Math.round(encodeSeconds * 10) / 10.0);
        out.put("hnsw", Map.of("m", params.m(), "beam_width", params.beamWidth(), "candidates", params.candidates()));
        out.put("t2i_recall_at_10", round4(realRecall(texts, images, params)));
        out.put("i2t_recall_at_10", round4(realRecall(images, texts, params)));
        System.out.printf("HNSW recall@10 against exact on real embeddings (%s, %d items, %s): text→image %.4f, image→text %.4f%n",
                ds.source().id(), ds.size(), modelName, (double) out.get("t2i_recall_at_10"), (double) out.get("i2t_recall_at_10"));
        return out;
    }

    private double realRecall(float[][] queryVectors, float[][] gallery, HnswIndex.Params params) {
        int d = gallery[0].length;
        ExactIndex exact = new ExactIndex(d);
        try (HnswIndex hnsw = new HnswIndex(d, params)) {
            for (int i = 0; i < gallery.length; i++) {
                exact.upsert("i" + i, gallery[i]);
                hnsw.upsert("i" + i, gallery[i]);
            }
            hnsw.forceMerge();
            return recall(exact, hnsw, List.of(queryVectors));
        } finally {
            exact.close();
        }
    }

    /** Mean fraction of exact search's top 10 that the approximate index also returns. */
    static double recall(VectorIndex exact, VectorIndex approx, List<float[]> qs) {
        double sum = 0;
        for (float[] q : qs) {
            Set<String> truth = new HashSet<>();
            exact.search(q, K).forEach(h -> truth.add(h.id()));
            List<ScoredId> got = approx.search(q, K);
            sum += got.stream().filter(h -> truth.contains(h.id())).count() / (double) truth.size();
        }
        return sum / qs.size();
    }

    private static long[] latencies(VectorIndex index, float[][] qs, int warmup) {
        for (int i = 0; i < warmup; i++) {
            index.search(qs[i % qs.length], K);
        }
        long[] lat = new long[qs.length];
        for (int i = 0; i < qs.length; i++) {
            long t0 = System.nanoTime();
            index.search(qs[i], K);
            lat[i] = System.nanoTime() - t0;
        }
        Arrays.sort(lat);
        return lat;
    }

    private static double throughput(VectorIndex index, float[][] qs, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            AtomicInteger next = new AtomicInteger();
            long t0 = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < qs.length; i = next.getAndIncrement()) {
                        index.search(qs[i], K);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            return qs.length / ((System.nanoTime() - t0) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    private static <T> float[][] batched(List<T> inputs, int batch, java.util.function.Function<List<T>, float[][]> encode) {
        List<float[]> out = new ArrayList<>();
        for (int from = 0; from < inputs.size(); from += batch) {
            out.addAll(List.of(encode.apply(inputs.subList(from, Math.min(inputs.size(), from + batch)))));
        }
        return out.toArray(new float[0][]);
    }

    static float[] unit(Random rnd, int d) {
        float[] v = new float[d];
        double n = 0;
        for (int i = 0; i < d; i++) {
            v[i] = (float) rnd.nextGaussian();
            n += v[i] * v[i];
        }
        float inv = (float) (1 / Math.sqrt(n));
        for (int i = 0; i < d; i++) {
            v[i] *= inv;
        }
        return v;
    }

    private static long pct(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static double micros(long nanos) {
        return Math.round(nanos / 100.0) / 10.0;
    }

    private static double round4(double v) {
        return Math.round(v * 10000) / 10000.0;
    }
}
