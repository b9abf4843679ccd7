package dev.graft.image;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/** JPEGs as cameras and print shops make them, built byte by byte in the test rather than committed. */
public final class PhotoFixtures {

    private PhotoFixtures() {
    }

    /** A baseline JFIF JPEG of the image, as the JDK writes it. */
    public static byte[] jpeg(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "jpeg", out)) {
                throw new IllegalStateException("no JPEG writer");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** {@code width × height}, its left half {@code left} and its right half {@code right}. */
    public static BufferedImage halves(int width, int height, Color left, Color right) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(left);
        g.fillRect(0, 0, width / 2, height);
        g.setColor(right);
        g.fillRect(width / 2, 0, width - width / 2, height);
        g.dispose();
        return image;
    }

    /**
     * The JPEG with an APP1 Exif segment holding one IFD0 entry, Orientation (0x0112, SHORT) =
     * {@code orientation}, inserted after the JFIF APP0 segment, in the byte order given.
     */
    public static byte[] withExifOrientation(byte[] jpeg, int orientation, ByteOrder order) {
        ByteBuffer tiff = ByteBuffer.allocate(8 + 2 + 12 + 4).order(order);
        tiff.put(order == ByteOrder.LITTLE_ENDIAN ? new byte[] {'I', 'I'} : new byte[] {'M', 'M'});
        tiff.putShort((short) 42).putInt(8);                   // TIFF magic, IFD0 at offset 8
        tiff.putShort((short) 1);                              // one entry
        tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1);
        tiff.putShort((short) orientation).putShort((short) 0); // the value, left-justified in 4 bytes
        tiff.putInt(0);                                        // no next IFD
        byte[] exif = "Exif\0\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        int length = 2 + exif.length + tiff.capacity();
        ByteBuffer app1 = ByteBuffer.allocate(2 + length).order(ByteOrder.BIG_ENDIAN);
        app1.put((byte) 0xff).put((byte) 0xe1).putShort((short) length).put(exif).put(tiff.array());
        int afterApp0 = 2;
        if ((jpeg[2] & 0xff) == 0xff && (jpeg[3] & 0xff) == 0xe0) {
            afterApp0 = 4 + (((jpeg[4] & 0xff) << 8) | (jpeg[5] & 0xff));
        }
        byte[] out = new byte[jpeg.length + app1.capacity()];
        System.arraycopy(jpeg, 0, out, 0, afterApp0);
        System.arraycopy(app1.array(), 0, out, afterApp0, app1.capacity());
        System.arraycopy(jpeg, afterApp0, out, afterApp0 + app1.capacity(), jpeg.length - afterApp0);
        return out;
    }

    /**
     * A CMYK JPEG of one flat colour (ink fractions 0–255) as Photoshop saves them: four channels
     * with an Adobe APP14 segment (transform 0, CMYK) and the ink values stored inverted.
     */
    public static byte[] cmykJpeg(int width, int height, int c, int m, int y, int k) {
        WritableRaster raster = WritableRaster.createInterleavedRaster(java.awt.image.DataBuffer.TYPE_BYTE,
                width, height, 4, null);
        int[] pixel = {255 - c, 255 - m, 255 - y, 255 - k};
        for (int row = 0; row < height; row++) {
            for (int col = 0; col < width; col++) {
                raster.setPixel(col, row, pixel);
            }
        }
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        ImageWriter writer = writers.next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            writer.write(null, new IIOImage(raster, null, null), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        byte[] plain = out.toByteArray();
        // APP14 "Adobe": version 100, flags 0 and 0, transform 0 (no colour transform: CMYK).
        byte[] adobe = {(byte) 0xff, (byte) 0xee, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0};
        byte[] tagged = new byte[plain.length + adobe.length];
        System.arraycopy(plain, 0, tagged, 0, 2);
        System.arraycopy(adobe, 0, tagged, 2, adobe.length);
        System.arraycopy(plain, 2, tagged, 2 + adobe.length, plain.length - 2);
        return tagged;
    }

    /** The JPEG cut in half, in the middle of its entropy-coded data. */
    public static byte[] truncated(byte[] jpeg) {
        return Arrays.copyOf(jpeg, jpeg.length / 2);
    }

    /** Noise, so that half the file is half the pixels rather than a few bytes of flat colour. */
    public static BufferedImage noise(int width, int height, long seed) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        java.util.Random random = new java.util.Random(seed);
        for (int x = 0; x < width; x++) {
            for (int y = 0; y < height; y++) {
                image.setRGB(x, y, random.nextInt());
            }
        }
        return image;
    }
}
