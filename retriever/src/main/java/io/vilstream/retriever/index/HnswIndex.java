package io.vilstream.retriever.index;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.FilterCodec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;

/**
 * Approximate search on Lucene's HNSW graphs, in memory: one document per id with its vector,
 * updated and deleted by id term; searches go through a near-real-time searcher that
 * {@link #refresh()} reopens after each ingested batch. Similarity is Lucene's maximum inner
 * product, whose score maps back exactly to the dot product, so scores agree with
 * {@link ExactIndex}. For galleries where a linear scan is too slow; its recall against exact
 * search is measured by {@code vilstream bench retriever}.
 */
public final class HnswIndex implements VectorIndex {

    private static final String ID = "id";
    private static final String VECTOR = "v";

    /**
     * Graph parameters.
     *
     * @param m          neighbours per node
     * @param beamWidth  candidates while building
     * @param candidates candidates gathered per query (at least k)
     */
    public record Params(int m, int beamWidth, int candidates) {
        public static Params defaults() {
            return new Params(16, 100, 100);
        }
    }

    private final int dim;
    private final Params params;
    private final ByteBuffersDirectory directory = new ByteBuffersDirectory();
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final AtomicInteger size = new AtomicInteger();
    private final java.util.Set<String> present = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public HnswIndex(int dimension, Params params) {
        this.dim = dimension;
        this.params = params;
        KnnVectorsFormat format = new Lucene99HnswVectorsFormat(params.m(), params.beamWidth());
        IndexWriterConfig config = new IndexWriterConfig()
                .setCodec(new FilterCodec(Codec.getDefault().getName(), Codec.getDefault()) {
                    @Override
                    public KnnVectorsFormat knnVectorsFormat() {
                        return new PerFieldKnnVectorsFormat() {
                            @Override
                            public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                                return format;
                            }
                        };
                    }
                })
                // fewer, larger segments: each segment is a graph searched separately
                .setRAMBufferSizeMB(256)
                .setOpenMode(IndexWriterConfig.OpenMode.CREATE);
        try {
            this.writer = new IndexWriter(directory, config);
            this.searchers = new SearcherManager(writer, null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open an in-memory Lucene index", e);
        }
    }

    @Override
    public int dimension() {
        return dim;
    }

    @Override
    public void upsert(String id, float[] vector) {
        if (vector.length != dim) {
            throw new IllegalArgumentException("vector has " + vector.length + " values, the index holds " + dim);
        }
        Document doc = new Document();
        doc.add(new StringField(ID, id, Field.Store.YES));
        doc.add(new KnnFloatVectorField(VECTOR, vector.clone(), VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT));
        try {
            writer.updateDocument(new Term(ID, id), doc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (present.add(id)) {
            size.incrementAndGet();
        }
    }

    @Override
    public boolean remove(String id) {
        if (!present.remove(id)) {
            return false;
        }
        try {
            writer.deleteDocuments(new Term(ID, id));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        size.decrementAndGet();
        return true;
    }

    @Override
    public void refresh() {
        try {
            searchers.maybeRefreshBlocking();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Merges everything into one segment (one graph): slower to build, faster to search. */
    public void forceMerge() {
        try {
            writer.forceMerge(1);
            refresh();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public List<ScoredId> search(float[] query, int k) {
        if (query.length != dim) {
            throw new IllegalArgumentException("query has " + query.length + " values, the index holds " + dim);
        }
        if (k <= 0) {
            return List.of();
        }
        try {
            IndexSearcher searcher = searchers.acquire();
            try {
                int n = Math.max(k, params.candidates());
                TopDocs top = searcher.search(new KnnFloatVectorQuery(VECTOR, query, n), n);
                StoredFields stored = searcher.storedFields();
                List<ScoredId> out = new ArrayList<>(Math.min(k, top.scoreDocs.length));
                for (ScoreDoc d : top.scoreDocs) {
                    if (out.size() == k) {
                        break;
                    }
                    out.add(new ScoredId(stored.document(d.doc).get(ID), dotProduct(d.score)));
                }
                return out;
            } finally {
                searchers.release(searcher);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Inverts Lucene's MAXIMUM_INNER_PRODUCT scaling (score = 1/(1-dot) below 0, dot+1 above). */
    static float dotProduct(float score) {
        return score < 1 ? 1 - 1 / score : score - 1;
    }

    @Override
    public int size() {
        return size.get();
    }

    @Override
    public void close() {
        try {
            searchers.close();
            writer.close();
            directory.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
