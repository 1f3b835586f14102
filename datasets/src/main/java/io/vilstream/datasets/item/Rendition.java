package io.vilstream.datasets.item;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * One vendor's drawing of an emoji: the original 64×64 PNG bytes, untouched, because decoding
 * (and flattening transparency) is the model's job and must be identical for every producer.
 */
public record Rendition(Vendor vendor, byte[] png) {

    public static final String MEDIA_TYPE = "image/png";

    public Rendition {
        Objects.requireNonNull(vendor, "vendor");
        // copied in and out so that the record stays immutable
        png = Objects.requireNonNull(png, "png").clone();
    }

    @Override
    public byte[] png() {
        return png.clone();
    }

    /** A fresh buffer over a copy of the bytes, as Avro's ImageRendition wants it. */
    public ByteBuffer pngBuffer() {
        return ByteBuffer.wrap(png.clone());
    }

    public int size() {
        return png.length;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Rendition that && vendor == that.vendor && Arrays.equals(png, that.png);
    }

    @Override
    public int hashCode() {
        return 31 * vendor.hashCode() + Arrays.hashCode(png);
    }

    @Override
    public String toString() {
        return "Rendition[" + vendor.id() + ", " + png.length + " bytes]";
    }
}
