package io.vilstream.retriever.eval;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import io.vilstream.model.eval.Recall;

/**
 * Recall@1/5/10 of a running retriever, through its public API only (what {@code vilstream eval}
 * reports): text → image queries each item's name and looks for its id among the results;
 * image → text uploads the item's picture and looks for its id. The gallery is whatever the
 * retriever serves, so the figure describes the deployed system, not a model in isolation.
 * Every answer's version is checked: a run that straddles a switch says so.
 */
public final class ApiRecallEvaluator {

    private static final int K = 10;

    /** One evaluated item: its id, its name (primary caption) and its picture. */
    public record Query(String id, String name, byte[] image, String mediaType) {
    }

    /** Recall both ways, the version(s) that answered, and the number of queries per direction. */
    public record Result(long version, List<Long> versionsSeen, Recall i2t, Recall t2i, int queries) {

        /** {@code {"version": v, "i2t": {...}, "t2i": {...}, "queries": n}}. */
        public Map<String, Object> json() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("version", version);
            out.put("i2t", recall(i2t));
            out.put("t2i", recall(t2i));
            out.put("queries", queries);
            if (versionsSeen.size() > 1) {
                out.put("versions_seen", versionsSeen);
            }
            return out;
        }

        private static Map<String, Object> recall(Recall r) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("r1", round(r.r1()));
            m.put("r5", round(r.r5()));
            m.put("r10", round(r.r10()));
            return m;
        }

        private static double round(double v) {
            return Math.round(v * 10000) / 10000.0;
        }
    }

    private final RetrieverClient client;

    public ApiRecallEvaluator(RetrieverClient client) {
        this.client = client;
    }

    public Result evaluate(List<Query> queries) throws IOException, InterruptedException {
        int n = queries.size();
        int[] t2i = new int[n];
        int[] i2t = new int[n];
        TreeSet<Long> versions = new TreeSet<>();
        long last = -1;
        for (int i = 0; i < n; i++) {
            Query q = queries.get(i);
            RetrieverClient.Answer byText = client.searchText(q.name(), K);
            RetrieverClient.Answer byImage = client.searchImage(q.image(), q.mediaType(), K);
            versions.add(byText.version());
            versions.add(byImage.version());
            last = byImage.version();
            t2i[i] = rank(byText.ids(), q.id());
            i2t[i] = rank(byImage.ids(), q.id());
        }
        return new Result(last, List.copyOf(versions), Recall.fromRanks(i2t), Recall.fromRanks(t2i), n);
    }

    /** 0-based rank, or K when the id is not among the results. */
    static int rank(List<String> ids, String id) {
        int r = ids.indexOf(id);
        return r < 0 ? K : r;
    }
}
