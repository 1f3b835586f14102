package io.vilstream.model.backbone;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.vilstream.model.runtime.DjlRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A frozen pretrained sentence encoder (the text side of LiT: a locked text tower, a trained
 * image tower): texts → mean-pooled, L2-normalised sentence features, through DJL's ONNX
 * Runtime engine and its HuggingFace tokenizer, with no network. The model and tokenizer files
 * come from a jar on the class path; they are copied once into a cache directory (ONNX Runtime
 * and the tokenizer read files) and the model's sha256 is checked against the {@link BackboneSpec}
 * on every load, so a checkpoint's promise about its backbone holds.
 *
 * <p>Every text goes through the {@link FeatureCache} first: the backbone never changes, so a
 * text is encoded once per process. One instance per backbone per process ({@link #shared}),
 * because the weights (about 90 MB) and the cache are worth sharing between the trainer, the
 * encoder and the retriever when they run in one JVM. Thread-safe: ONNX Runtime sessions run
 * concurrently, and each call borrows its own predictor.
 */
public final class TextBackbone implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TextBackbone.class);

    /** Default cache size: about 55 MB of 384-d features; every text of the emoji set fits many times. */
    public static final int DEFAULT_CACHE_ENTRIES = 32_768;

    private static final Map<String, TextBackbone> SHARED = new ConcurrentHashMap<>();

    private final BackboneSpec spec;
    private final Model model;
    private final HuggingFaceTokenizer tokenizer;
    private final FeatureCache cache;
    private final ConcurrentLinkedQueue<Predictor<NDList, NDList>> predictors = new ConcurrentLinkedQueue<>();
    private final List<Predictor<NDList, NDList>> allPredictors = new ArrayList<>();

    private TextBackbone(BackboneSpec spec, Model model, HuggingFaceTokenizer tokenizer, int cacheEntries) {
        this.spec = spec;
        this.model = model;
        this.tokenizer = tokenizer;
        this.cache = new FeatureCache(cacheEntries);
    }

    /**
     * The process's instance of a backbone, loaded on first use. Held for the life of the
     * process (it is small next to what it saves, and every model version of a lineage uses it).
     */
    public static TextBackbone shared(BackboneSpec spec) {
        return SHARED.computeIfAbsent(spec.id(), id -> load(spec, defaultDirectory(), DEFAULT_CACHE_ENTRIES));
    }

    /** Loads a backbone from the class path into {@code directory}; fails with the reason. */
    public static TextBackbone load(BackboneSpec spec, Path directory, int cacheEntries) {
        DjlRuntime.engine(); // the offline settings, before any DJL engine loads
        long t0 = System.nanoTime();
        Path dir = directory.resolve(spec.id() + "-" + spec.sha256().substring(0, 12));
        try {
            Files.createDirectories(dir);
            Path modelFile = dir.resolve(spec.modelResource());
            String sha = materialise(spec.modelResource(), modelFile, spec);
            if (!sha.equals(spec.sha256())) {
                throw new BackboneUnavailableException("text backbone " + spec.describe() + ": the model file on the "
                        + "class path has sha256 " + sha + "; the build's dependency on " + spec.artifact()
                        + " is not the version this code was made for");
            }
            Path tokenizerFile = dir.resolve(spec.tokenizerResource());
            materialise(spec.tokenizerResource(), tokenizerFile, spec);
            HuggingFaceTokenizer tok = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(tokenizerFile)
                    .optMaxLength(spec.maxTokens())
                    .optTruncation(true)
                    .optPadding(false)
                    .build();
            Model m = Model.newInstance(spec.id(), Device.cpu(), "OnnxRuntime");
            Map<String, Object> options = new HashMap<>();
            options.put("sessionOptions", sessionOptions());
            m.load(dir, stripExtension(spec.modelResource()), options);
            log.info("text backbone {} loaded in {} ms", spec.describe(), (System.nanoTime() - t0) / 1_000_000);
            return new TextBackbone(spec, m, tok, cacheEntries);
        } catch (IOException | MalformedModelException | OrtException e) {
            throw new BackboneUnavailableException("text backbone " + spec.describe() + " could not be loaded: " + e, e);
        }
    }

    /**
     * One intra-op thread per call and no spinning: the callers (tower workers, the trainer) are
     * already one per core, and ONNX Runtime's default spinning waiters would take the cores
     * libtorch needs between calls.
     */
    private static OrtSession.SessionOptions sessionOptions() throws OrtException {
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        so.setIntraOpNumThreads(1);
        so.setInterOpNumThreads(1);
        so.addConfigEntry("session.intra_op.allow_spinning", "0");
        so.addConfigEntry("session.inter_op.allow_spinning", "0");
        so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        return so;
    }

    /** Copies a class-path resource to a file unless an identical one is there; returns its sha256. */
    private static String materialise(String resource, Path target, BackboneSpec spec) throws IOException {
        if (Files.isRegularFile(target)) {
            try (InputStream in = Files.newInputStream(target)) {
                String sha = sha256(in);
                if (!resource.equals(spec.modelResource()) || sha.equals(spec.sha256())) {
                    return sha;
                }
            }
        }
        try (InputStream in = TextBackbone.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new BackboneUnavailableException("text backbone " + spec.describe() + ": " + resource
                        + " is not on the class path; add " + spec.artifact());
            }
            Path tmp = Files.createTempFile(target.getParent(), resource, ".part");
            MessageDigest md = digest();
            try (InputStream din = new DigestInputStream(in, md); OutputStream out = Files.newOutputStream(tmp)) {
                din.transferTo(out);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return HexFormat.of().formatHex(md.digest());
        }
    }

    /** Hex sha256 of a stream (ImageBackbone checks its weights with it too). */
    static String sha256(InputStream in) throws IOException {
        MessageDigest md = digest();
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) > 0; ) {
            md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String stripExtension(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    /** {@code ${VILSTREAM_CACHE_DIR:-~/.cache/vilstream}/backbones}: beside the dataset cache. */
    static Path defaultDirectory() {
        String env = System.getenv("VILSTREAM_CACHE_DIR");
        Path base = env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "vilstream");
        return base.resolve("backbones");
    }

    public BackboneSpec spec() {
        return spec;
    }

    public int dim() {
        return spec.dim();
    }

    public FeatureCache cache() {
        return cache;
    }

    /**
     * The sentence features of each text, row-aligned with the input. Cached texts cost a
     * look-up; the distinct uncached ones are encoded in one batch. The rows are shared with
     * the cache: read them, never write them.
     */
    public float[][] embed(List<String> texts) {
        float[][] out = new float[texts.size()][];
        LinkedHashMap<String, List<Integer>> missing = new LinkedHashMap<>();
        for (int i = 0; i < texts.size(); i++) {
            String t = texts.get(i) == null ? "" : texts.get(i);
            float[] v = cache.get(t);
            if (v != null) {
                out[i] = v;
            } else {
                missing.computeIfAbsent(t, k -> new ArrayList<>()).add(i);
            }
        }
        if (!missing.isEmpty()) {
            List<String> distinct = new ArrayList<>(missing.keySet());
            float[][] fresh = encode(distinct);
            for (int j = 0; j < distinct.size(); j++) {
                cache.put(distinct.get(j), fresh[j]);
                for (int i : missing.get(distinct.get(j))) {
                    out[i] = fresh[j];
                }
            }
        }
        return out;
    }

    /** Runs the transformer: tokens → last hidden state → mean over real tokens → unit length. */
    float[][] encode(List<String> texts) {
        Encoding[] enc = tokenizer.batchEncode(texts);
        int b = enc.length;
        int len = 1;
        for (Encoding e : enc) {
            len = Math.max(len, e.getIds().length);
        }
        long[] ids = new long[b * len];
        long[] mask = new long[b * len];
        long[] types = new long[b * len];
        for (int i = 0; i < b; i++) {
            long[] id = enc[i].getIds();
            long[] am = enc[i].getAttentionMask();
            long[] tt = enc[i].getTypeIds();
            System.arraycopy(id, 0, ids, i * len, id.length);
            System.arraycopy(am, 0, mask, i * len, am.length);
            System.arraycopy(tt, 0, types, i * len, tt.length);
        }
        Predictor<NDList, NDList> predictor = borrow();
        try (NDManager m = model.getNDManager().newSubManager()) {
            NDArray inIds = m.create(ids, new Shape(b, len));
            inIds.setName("input_ids");
            NDArray inMask = m.create(mask, new Shape(b, len));
            inMask.setName("attention_mask");
            NDArray inTypes = m.create(types, new Shape(b, len));
            inTypes.setName("token_type_ids");
            NDList result = predictor.predict(new NDList(inIds, inMask, inTypes));
            float[] hidden = result.get(0).toFloatArray(); // [b, len, dim]
            result.close();
            return pool(hidden, mask, b, len, spec.dim());
        } catch (TranslateException e) {
            throw new IllegalStateException("text backbone " + spec.id() + " failed on a batch of " + b + ": " + e.getMessage(), e);
        } finally {
            predictors.add(predictor);
        }
    }

    static float[][] pool(float[] hidden, long[] mask, int b, int len, int dim) {
        float[][] out = new float[b][dim];
        for (int i = 0; i < b; i++) {
            float[] row = out[i];
            int count = 0;
            for (int t = 0; t < len; t++) {
                if (mask[i * len + t] == 0) {
                    continue;
                }
                count++;
                int base = (i * len + t) * dim;
                for (int d = 0; d < dim; d++) {
                    row[d] += hidden[base + d];
                }
            }
            double norm = 0;
            for (int d = 0; d < dim; d++) {
                row[d] /= Math.max(1, count);
                norm += row[d] * (double) row[d];
            }
            float inv = (float) (1 / Math.max(Math.sqrt(norm), 1e-12));
            for (int d = 0; d < dim; d++) {
                row[d] *= inv;
            }
        }
        return out;
    }

    private Predictor<NDList, NDList> borrow() {
        Predictor<NDList, NDList> p = predictors.poll();
        if (p != null) {
            return p;
        }
        p = model.newPredictor(new NoopTranslator());
        synchronized (allPredictors) {
            allPredictors.add(p);
        }
        return p;
    }

    @Override
    public void close() {
        synchronized (allPredictors) {
            allPredictors.forEach(Predictor::close);
            allPredictors.clear();
        }
        predictors.clear();
        tokenizer.close();
        model.close();
        SHARED.remove(spec.id(), this);
    }

    /** Raised when a backbone's files are missing or not the ones its spec names. */
    public static final class BackboneUnavailableException extends IllegalStateException {
        public BackboneUnavailableException(String message) {
            super(message);
        }

        public BackboneUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

}
