package io.vilstream.model.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32;

import javax.imageio.ImageIO;

import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {

    private final ImageDecoder decoder = new ImageDecoder(32);

    @Test
    void transparentPixelsBecomeTheWhiteBackground() throws Exception {
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_ARGB); // fully transparent
        img.setRGB(0, 0, 0xFFFF0000);
        float[] t = decoder.decode(png(img));
        assertThat(t).hasSize(3 * 32 * 32);
        int last = 32 * 32 - 1; // bottom-right pixel, transparent in the source
        assertThat(new float[] {t[last], t[32 * 32 + last], t[2 * 32 * 32 + last]}).containsOnly(1f);
        assertThat(t[0]).isGreaterThan(0.9f);         // red channel of the red corner
        assertThat(t[32 * 32]).isLessThan(0.1f);      // its green channel
    }

    @Test
    void refusesAHeaderDeclaringHugeDimensionsWithoutDecodingIt() {
        byte[] bomb = pngHeader(50_000, 50_000);
        assertThatThrownBy(() -> decoder.decode(bomb))
                .asInstanceOf(InstanceOfAssertFactories.type(ImageRejectedException.class))
                .satisfies(e -> {
                    assertThat(e.reason()).isEqualTo(ImageRejectedException.Reason.TOO_MANY_PIXELS);
                    assertThat(e.getMessage()).contains("50000x50000");
                });
    }

    @Test
    void refusesBytesThatAreNotAnImage() {
        assertThatThrownBy(() -> decoder.decode("hello, not a picture".getBytes()))
                .asInstanceOf(InstanceOfAssertFactories.type(ImageRejectedException.class))
                .extracting(ImageRejectedException::reason).isEqualTo(ImageRejectedException.Reason.NOT_AN_IMAGE);
    }

    @Test
    void refusesATruncatedPng() throws Exception {
        BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
        byte[] full = png(img);
        byte[] cut = Arrays.copyOf(full, full.length / 2);
        assertThatThrownBy(() -> decoder.decode(cut))
                .asInstanceOf(InstanceOfAssertFactories.type(ImageRejectedException.class))
                .extracting(ImageRejectedException::reason).isEqualTo(ImageRejectedException.Reason.UNDECODABLE);
    }

    @Test
    void refusesEmptyAndOversizedPayloads() {
        ImageDecoder small = new ImageDecoder(32, new ImageDecoder.Limits(100, 1_000_000));
        assertThatThrownBy(() -> small.decode(new byte[0]))
                .asInstanceOf(InstanceOfAssertFactories.type(ImageRejectedException.class))
                .extracting(ImageRejectedException::reason).isEqualTo(ImageRejectedException.Reason.EMPTY);
        assertThatThrownBy(() -> small.decode(new byte[101]))
                .asInstanceOf(InstanceOfAssertFactories.type(ImageRejectedException.class))
                .extracting(ImageRejectedException::reason).isEqualTo(ImageRejectedException.Reason.TOO_MANY_BYTES);
    }

    static byte[] png(BufferedImage img) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    /** A PNG signature and a valid IHDR chunk declaring w × h, and nothing else. */
    static byte[] pngHeader(int w, int h) {
        ByteBuffer b = ByteBuffer.allocate(8 + 25);
        b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        b.putInt(13);
        int crcStart = b.position();
        b.put(new byte[] {'I', 'H', 'D', 'R'});
        b.putInt(w).putInt(h).put((byte) 8).put((byte) 6).put((byte) 0).put((byte) 0).put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(b.array(), crcStart, 17);
        b.putInt((int) crc.getValue());
        return b.array();
    }
}
