package io.vilstream.model.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.nio.charset.StandardCharsets;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decodes the PNGs content usually carries — 8 bits per sample, not interlaced, RGB, RGBA or
 * palette (with or without palette transparency), no embedded ICC profile — straight from the
 * bytes with {@link Inflater}, into a non-premultiplied ARGB image. Everything else (grey,
 * 16-bit, interlaced, colour profiles, colour-key transparency) is left to ImageIO: {@link
 * #decode} returns null and the caller falls back.
 *
 * <p>Why: ImageIO's PNG reader spends ~0.11 ms on a 64×64 emoji (reader lookup, metadata
 * objects, a generic raster path), most of the stream encoder's per-event work outside the
 * towers; this path does the same image in a fraction of that (docs/BENCHMARKS.md, encoder).
 * {@code PngFastPathTest} checks it pixel for pixel against ImageIO.
 */
final class PngFastPath {

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    /** Width and height from the IHDR chunk. */
    record Header(int width, int height, int bitDepth, int colorType, int interlace) {
    }

    private PngFastPath() {
    }

    static boolean isPng(byte[] bytes) {
        if (bytes.length < SIGNATURE.length) {
            return false;
        }
        for (int i = 0; i < SIGNATURE.length; i++) {
            if (bytes[i] != SIGNATURE[i]) {
                return false;
            }
        }
        return true;
    }

    /** The IHDR chunk, which the format puts first, checked as ImageIO checks it (before any size limit). */
    static Header header(byte[] b) throws ImageRejectedException {
        if (b.length < 33 || !"IHDR".equals(type(b, 12))) {
            throw undecodable("PNG without a complete IHDR header");
        }
        long w = readInt(b, 16) & 0xffffffffL;
        long h = readInt(b, 20) & 0xffffffffL;
        if (w == 0 || h == 0 || w > Integer.MAX_VALUE || h > Integer.MAX_VALUE) {
            throw undecodable("PNG header declares " + w + "x" + h + " pixels");
        }
        int depth = b[24] & 0xff;
        int colorType = b[25] & 0xff;
        int interlace = b[28] & 0xff;
        boolean validDepth = switch (colorType) {
            case 0 -> depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
            case 3 -> depth == 1 || depth == 2 || depth == 4 || depth == 8;
            case 2, 4, 6 -> depth == 8 || depth == 16;
            default -> false;
        };
        if (!validDepth || b[26] != 0 || b[27] != 0 || interlace > 1) {
            throw undecodable("invalid PNG header (bit depth " + depth + ", colour type " + colorType + ", compression "
                    + b[26] + ", filter " + b[27] + ", interlace " + interlace + ")");
        }
        return new Header((int) w, (int) h, depth, colorType, interlace);
    }

    /**
     * @param h the image's {@link #header}, read (and checked against the limits) by the caller
     * @return the image, or null when it uses a feature this path leaves to ImageIO
     * @throws ImageRejectedException when the bytes are not a whole, valid PNG
     */
    static BufferedImage decode(byte[] b, Header h) throws ImageRejectedException {
        // grey PNGs stay with ImageIO: it reads them into a linear grey space, which getRGB and
        // Java2D then brighten; decoding them here would change what the model has always seen
        int channels = switch (h.colorType()) {
            case 3 -> 1;
            case 2 -> 3;
            case 6 -> 4;
            default -> -1;
        };
        if (h.bitDepth() != 8 || h.interlace() != 0 || channels < 0) {
            return null;
        }
        int[] palette = null;
        byte[] idat = new byte[Math.max(16, b.length)];
        int idatLength = 0;
        boolean ended = false;
        int pos = 8;
        while (pos + 8 <= b.length && !ended) {
            int length = readInt(b, pos);
            String type = type(b, pos + 4);
            int data = pos + 8;
            if (length < 0 || data + (long) length + 4 > b.length) {
                throw undecodable("truncated PNG: the " + type + " chunk runs past the end of the data");
            }
            switch (type) {
                case "PLTE" -> palette = palette(b, data, length, palette);
                case "tRNS" -> {
                    if (h.colorType() != 3 || palette == null) {
                        return null; // colour-key transparency: rare, left to ImageIO
                    }
                    for (int i = 0; i < Math.min(length, palette.length); i++) {
                        palette[i] = (palette[i] & 0x00ffffff) | ((b[data + i] & 0xff) << 24);
                    }
                }
                case "iCCP" -> {
                    return null; // an embedded colour profile: ImageIO converts the colours
                }
                case "IDAT" -> {
                    System.arraycopy(b, data, idat, idatLength, length);
                    idatLength += length;
                }
                case "IEND" -> ended = true;
                default -> {
                    // ancillary chunks (gAMA, sRGB, text, time...) do not change the decoded pixels
                }
            }
            pos = data + length + 4; // + CRC
        }
        if (h.colorType() == 3 && palette == null) {
            throw undecodable("palette PNG without a PLTE chunk");
        }
        byte[] raw = inflate(idat, idatLength, Math.multiplyExact(h.height(), 1 + Math.multiplyExact(h.width(), channels)));
        unfilter(raw, h.width(), h.height(), channels);
        return toArgb(raw, h, channels, palette);
    }

    private static int[] palette(byte[] b, int data, int length, int[] previous) throws ImageRejectedException {
        if (previous != null || length % 3 != 0 || length == 0 || length > 768) {
            throw undecodable("invalid PLTE chunk");
        }
        int[] p = new int[length / 3];
        for (int i = 0; i < p.length; i++) {
            p[i] = 0xff000000 | (b[data + 3 * i] & 0xff) << 16 | (b[data + 3 * i + 1] & 0xff) << 8 | (b[data + 3 * i + 2] & 0xff);
        }
        return p;
    }

    /** One inflater per thread, reset between images: creating and ending one costs as much as a small image's data. */
    private static final ThreadLocal<Inflater> INFLATERS = ThreadLocal.withInitial(Inflater::new);

    private static byte[] inflate(byte[] idat, int length, int expected) throws ImageRejectedException {
        byte[] raw = new byte[expected];
        Inflater inflater = INFLATERS.get();
        inflater.reset();
        try {
            inflater.setInput(idat, 0, length);
            int off = 0;
            while (off < expected) {
                int n = inflater.inflate(raw, off, expected - off);
                if (n == 0) {
                    if (inflater.finished() || inflater.needsInput()) {
                        throw undecodable("truncated PNG: " + off + " of " + expected + " bytes of image data");
                    }
                    if (inflater.needsDictionary()) {
                        throw undecodable("PNG image data needs a preset dictionary");
                    }
                }
                off += n;
            }
            return raw;
        } catch (DataFormatException e) {
            throw undecodable("corrupt PNG image data: " + e.getMessage());
        }
    }

    /** Reverses the per-row filters in place (PNG spec, section 9), with 1-byte samples. */
    private static void unfilter(byte[] raw, int width, int height, int bpp) throws ImageRejectedException {
        int stride = 1 + width * bpp;
        for (int y = 0; y < height; y++) {
            int row = y * stride;
            int filter = raw[row];
            int start = row + 1;
            int end = row + stride;
            switch (filter) {
                case 0 -> {
                }
                case 1 -> {
                    for (int i = start + bpp; i < end; i++) {
                        raw[i] += raw[i - bpp];
                    }
                }
                case 2 -> {
                    if (y > 0) {
                        for (int i = start; i < end; i++) {
                            raw[i] += raw[i - stride];
                        }
                    }
                }
                case 3 -> {
                    for (int i = start; i < end; i++) {
                        int left = i - bpp >= start ? raw[i - bpp] & 0xff : 0;
                        int up = y > 0 ? raw[i - stride] & 0xff : 0;
                        raw[i] += (byte) ((left + up) >>> 1);
                    }
                }
                case 4 -> {
                    for (int i = start; i < end; i++) {
                        int a = i - bpp >= start ? raw[i - bpp] & 0xff : 0;
                        int up = y > 0 ? raw[i - stride] & 0xff : 0;
                        int c = y > 0 && i - bpp >= start ? raw[i - stride - bpp] & 0xff : 0;
                        int p = a + up - c;
                        int pa = Math.abs(p - a);
                        int pb = Math.abs(p - up);
                        int pc = Math.abs(p - c);
                        raw[i] += (byte) (pa <= pb && pa <= pc ? a : pb <= pc ? up : c);
                    }
                }
                default -> throw undecodable("invalid PNG row filter " + filter + " in row " + y);
            }
        }
    }

    private static BufferedImage toArgb(byte[] raw, Header h, int channels, int[] palette) throws ImageRejectedException {
        int w = h.width();
        BufferedImage image = new BufferedImage(w, h.height(), BufferedImage.TYPE_INT_ARGB);
        int[] out = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        int stride = 1 + w * channels;
        for (int y = 0; y < h.height(); y++) {
            int in = y * stride + 1;
            int o = y * w;
            for (int x = 0; x < w; x++, in += channels) {
                int argb;
                switch (h.colorType()) {
                    case 2 -> argb = 0xff000000 | (raw[in] & 0xff) << 16 | (raw[in + 1] & 0xff) << 8 | (raw[in + 2] & 0xff);
                    case 6 -> argb = (raw[in + 3] & 0xff) << 24 | (raw[in] & 0xff) << 16 | (raw[in + 1] & 0xff) << 8 | (raw[in + 2] & 0xff);
                    default -> {
                        int index = raw[in] & 0xff;
                        if (index >= palette.length) {
                            throw undecodable("palette index " + index + " beyond the " + palette.length + "-colour palette");
                        }
                        argb = palette[index];
                    }
                }
                out[o + x] = argb;
            }
        }
        return image;
    }

    private static int readInt(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    private static String type(byte[] b, int at) {
        return new String(b, at, 4, StandardCharsets.ISO_8859_1);
    }

    private static ImageRejectedException undecodable(String message) {
        return new ImageRejectedException(ImageRejectedException.Reason.UNDECODABLE, message);
    }
}
