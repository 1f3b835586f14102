package io.vilstream.model.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;

import javax.imageio.ImageIO;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The fast PNG path against ImageIO, pixel for pixel, for every layout it takes on. */
class PngFastPathTest {

    @ParameterizedTest(name = "BufferedImage type {0}")
    @ValueSource(ints = {BufferedImage.TYPE_4BYTE_ABGR, BufferedImage.TYPE_INT_ARGB, BufferedImage.TYPE_INT_RGB,
            BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_BYTE_INDEXED})
    void decodesLikeImageIo(int type) throws Exception {
        for (int seed = 0; seed < 4; seed++) {
            byte[] png = png(picture(type, 37 + seed * 11, 29 + seed * 7, seed));
            BufferedImage fast = decode(png);
            assertThat(fast).as("taken by the fast path").isNotNull();
            assertThat(argb(fast)).isEqualTo(argb(ImageIO.read(new ByteArrayInputStream(png))));
        }
    }

    @Test
    void paletteTransparencyIsKept() throws Exception {
        byte[] r = {(byte) 255, 0, 0};
        byte[] g = {0, (byte) 255, 0};
        byte[] b = {0, 0, (byte) 255};
        byte[] a = {0, (byte) 128, (byte) 255};
        BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(2, 3, r, g, b, a));
        for (int i = 0; i < 64; i++) {
            image.getRaster().setSample(i % 8, i / 8, 0, i % 3);
        }
        byte[] png = png(image);
        assertThat(argb(decode(png))).isEqualTo(argb(ImageIO.read(new ByteArrayInputStream(png))));
    }

    @Test
    void aGarbledHeaderIsUndecodableNotAnOversizedImage() throws Exception {
        byte[] png = png(picture(BufferedImage.TYPE_4BYTE_ABGR, 10, 10, 2));
        Arrays.fill(png, 16, png.length, (byte) 7); // width and height 0x07070707, bit depth 7
        assertThatThrownBy(() -> PngFastPath.header(png)).isInstanceOfSatisfying(ImageRejectedException.class,
                e -> assertThat(e.reason()).isEqualTo(ImageRejectedException.Reason.UNDECODABLE));
    }

    @Test
    void greyPngsAreLeftToImageIo() throws Exception {
        assertThat(decode(png(picture(BufferedImage.TYPE_BYTE_GRAY, 20, 20, 1)))).isNull();
    }

    @Test
    void everyCutOfAPngIsRefused() throws Exception {
        byte[] png = png(picture(BufferedImage.TYPE_4BYTE_ABGR, 40, 40, 3));
        for (int cut = 34; cut < png.length - 12; cut += 7) { // short of IEND: the image data is incomplete
            byte[] part = Arrays.copyOf(png, cut);
            assertThatThrownBy(() -> decode(part)).as("cut at " + cut)
                    .isInstanceOfSatisfying(ImageRejectedException.class,
                            e -> assertThat(e.reason()).isEqualTo(ImageRejectedException.Reason.UNDECODABLE));
        }
    }

    @Test
    void theDecoderTakesTheFastPathAndFlattensOntoWhiteAsBefore() throws Exception {
        BufferedImage image = picture(BufferedImage.TYPE_4BYTE_ABGR, 32, 32, 5);
        byte[] png = png(image);
        ImageDecoder decoder = new ImageDecoder(32);
        float[] fast = decoder.decode(png);
        // the Java2D path: the ImageIO image (4BYTE_ABGR, not the fast path's INT_ARGB) drawn onto white
        float[] java2d = decoder.toTensor(ImageIO.read(new ByteArrayInputStream(png)));
        assertThat(fast).hasSameSizeAs(java2d);
        for (int i = 0; i < fast.length; i++) {
            assertThat(fast[i]).as("value " + i).isCloseTo(java2d[i], org.assertj.core.data.Offset.offset(1.01f / 255));
        }
    }

    private static BufferedImage decode(byte[] png) throws ImageRejectedException {
        return PngFastPath.decode(png, PngFastPath.header(png));
    }

    private static BufferedImage picture(int type, int w, int h, long seed) {
        BufferedImage image = new BufferedImage(w, h, type);
        Random random = new Random(seed);
        Graphics2D g = image.createGraphics();
        for (int i = 0; i < 30; i++) {
            g.setColor(new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256), random.nextInt(256)));
            g.fillOval(random.nextInt(w) - 5, random.nextInt(h) - 5, 5 + random.nextInt(w), 5 + random.nextInt(h));
        }
        g.dispose();
        for (int i = 0; i < 40; i++) { // noise, so every row filter shows up
            image.setRGB(random.nextInt(w), random.nextInt(h), random.nextInt());
        }
        return image;
    }

    private static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(image, "png", out)).isTrue();
        return out.toByteArray();
    }

    private static int[] argb(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }
}
