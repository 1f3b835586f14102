package io.vilstream.model.image;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Encoded image bytes → the tower's input: a {@code [3 × size × size]} float array in 0..1
 * (channel-major RGB). Every picture is redrawn into one ARGB type and flattened onto a fixed
 * white background, so PNG palettes, grey PNGs and alpha all look alike to the model.
 *
 * <p>Limits are checked before decoding: the byte size, then the dimensions declared in the
 * header (read without decoding pixels), so a 50,000 × 50,000 PNG bomb is refused without
 * allocating it. Thread-safe; ImageIO's reader plug-ins are created per call.
 */
public final class ImageDecoder {

    /** Defaults: 1 MiB, 16 megapixels. */
    public static final Limits DEFAULT_LIMITS = new Limits(1 << 20, 4096 * 4096L);

    private static final Color BACKGROUND = Color.WHITE;

    private final int size;
    private final Limits limits;

    static {
        ImageIO.setUseCache(false); // decode in memory; no temp files per image
    }

    public ImageDecoder(int size, Limits limits) {
        this.size = size;
        this.limits = limits;
    }

    public ImageDecoder(int size) {
        this(size, DEFAULT_LIMITS);
    }

    public int size() {
        return size;
    }

    /** Decodes, checks limits and resizes to the model's input. */
    public float[] decode(byte[] bytes) throws ImageRejectedException {
        return toTensor(read(bytes));
    }

    /** Decodes after checking the limits; returns the picture at its own size. */
    public BufferedImage read(byte[] bytes) throws ImageRejectedException {
        return open(bytes, true);
    }

    /**
     * Checks the limits, the format and the header's dimensions without decoding a pixel: for
     * images that are passed on but not encoded (the cost of a decode is mostly the pixels).
     */
    public void check(byte[] bytes) throws ImageRejectedException {
        open(bytes, false);
    }

    private BufferedImage open(byte[] bytes, boolean decode) throws ImageRejectedException {
        if (bytes == null || bytes.length == 0) {
            throw new ImageRejectedException(ImageRejectedException.Reason.EMPTY, "image has no bytes");
        }
        if (bytes.length > limits.maxBytes()) {
            throw new ImageRejectedException(ImageRejectedException.Reason.TOO_MANY_BYTES,
                    "image has " + bytes.length + " bytes, limit " + limits.maxBytes());
        }
        if (PngFastPath.isPng(bytes)) {
            PngFastPath.Header h = PngFastPath.header(bytes);
            checkPixels("PNG", h.width(), h.height());
            if (!decode) {
                return null;
            }
            BufferedImage image = PngFastPath.decode(bytes, h);
            if (image != null) {
                return image;
            }
            // a PNG feature the fast path leaves to ImageIO
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new ImageRejectedException(ImageRejectedException.Reason.NOT_AN_IMAGE,
                        "bytes are not a known image format (" + bytes.length + " bytes)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long w;
                long h;
                try {
                    w = reader.getWidth(0);
                    h = reader.getHeight(0);
                } catch (IOException e) {
                    throw new ImageRejectedException(ImageRejectedException.Reason.UNDECODABLE,
                            "unreadable " + reader.getFormatName() + " header: " + e.getMessage(), e);
                }
                checkPixels(reader.getFormatName(), w, h);
                if (!decode) {
                    return null;
                }
                try {
                    return reader.read(0);
                } catch (IOException | RuntimeException e) {
                    throw new ImageRejectedException(ImageRejectedException.Reason.UNDECODABLE,
                            "cannot decode " + reader.getFormatName() + ": " + e.getMessage(), e);
                }
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new ImageRejectedException(ImageRejectedException.Reason.UNDECODABLE,
                    "cannot read image: " + e.getMessage(), e);
        }
    }

    private void checkPixels(String format, long w, long h) throws ImageRejectedException {
        if (w <= 0 || h <= 0 || w * h > limits.maxPixels()) {
            throw new ImageRejectedException(ImageRejectedException.Reason.TOO_MANY_PIXELS,
                    format + " declares " + w + "x" + h + " pixels, limit " + limits.maxPixels());
        }
    }

    /** Redraws onto white at the model's size and returns CHW floats in 0..1. */
    public float[] toTensor(BufferedImage source) {
        if (source.getType() == BufferedImage.TYPE_INT_ARGB && source.getWidth() == size && source.getHeight() == size) {
            return flattenOntoWhite(((DataBufferInt) source.getRaster().getDataBuffer()).getData());
        }
        BufferedImage canvas = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = canvas.createGraphics();
        try {
            g.setColor(BACKGROUND);
            g.fillRect(0, 0, size, size);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(source, 0, 0, size, size, null);
        } finally {
            g.dispose();
        }
        // the canvas's own pixel array: getRGB would convert every pixel through the colour model
        return flattenOntoWhite(((DataBufferInt) canvas.getRaster().getDataBuffer()).getData());
    }

    /**
     * Non-premultiplied ARGB pixels at the model's size → CHW floats, each colour blended with
     * white by its alpha (what drawing onto the white canvas does, without Java2D's per-pixel
     * loops: the common case, a picture already at the model's size, skips them).
     */
    private float[] flattenOntoWhite(int[] argb) {
        int plane = size * size;
        float[] chw = new float[3 * plane];
        for (int i = 0; i < plane; i++) {
            int p = argb[i];
            int a = p >>> 24;
            float r = UNIT[(p >> 16) & 0xff];
            float g = UNIT[(p >> 8) & 0xff];
            float b = UNIT[p & 0xff];
            if (a != 0xff) {
                float alpha = UNIT[a];
                float white = 1f - alpha;
                r = r * alpha + white;
                g = g * alpha + white;
                b = b * alpha + white;
            }
            chw[i] = r;
            chw[plane + i] = g;
            chw[2 * plane + i] = b;
        }
        return chw;
    }

    /** v / 255 for each byte value: a table read instead of a division per channel. */
    private static final float[] UNIT = new float[256];

    static {
        for (int v = 0; v < 256; v++) {
            UNIT[v] = v / 255f;
        }
    }

    /**
     * Limits checked before decoding.
     *
     * @param maxBytes  largest encoded size accepted
     * @param maxPixels largest declared width × height accepted
     */
    public record Limits(int maxBytes, long maxPixels) {
        public Limits {
            if (maxBytes <= 0 || maxPixels <= 0) {
                throw new IllegalArgumentException("image limits must be positive");
            }
        }
    }
}
