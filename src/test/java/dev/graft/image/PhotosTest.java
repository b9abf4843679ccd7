package dev.graft.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

import org.junit.jupiter.api.Test;

class PhotosTest {

    @Test
    void appliesTheExifOrientationOfAPhoneStylePhoto() throws IOException {
        // 64 wide, 32 high: red on the left, blue on the right, as the sensor stored it.
        byte[] plain = PhotoFixtures.jpeg(PhotoFixtures.halves(64, 32, Color.RED, Color.BLUE));

        BufferedImage clockwise = Photos.decode(PhotoFixtures.withExifOrientation(plain, 6, ByteOrder.BIG_ENDIAN));
        BufferedImage anticlockwise = Photos.decode(PhotoFixtures.withExifOrientation(plain, 8, ByteOrder.LITTLE_ENDIAN));
        BufferedImage upsideDown = Photos.decode(PhotoFixtures.withExifOrientation(plain, 3, ByteOrder.LITTLE_ENDIAN));
        BufferedImage untagged = Photos.decode(plain);

        assertThat(untagged.getWidth()).isEqualTo(64);
        assertThat(clockwise.getWidth()).isEqualTo(32);
        assertThat(clockwise.getHeight()).isEqualTo(64);
        // Turned clockwise, the left (red) half is on top; turned anticlockwise, at the bottom.
        assertThat(colourAt(clockwise, 16, 8)).isEqualTo(Color.RED);
        assertThat(colourAt(clockwise, 16, 56)).isEqualTo(Color.BLUE);
        assertThat(colourAt(anticlockwise, 16, 8)).isEqualTo(Color.BLUE);
        assertThat(colourAt(anticlockwise, 16, 56)).isEqualTo(Color.RED);
        assertThat(colourAt(upsideDown, 8, 16)).isEqualTo(Color.BLUE);
        assertThat(colourAt(untagged, 8, 16)).isEqualTo(Color.RED);
    }

    @Test
    void ignoresAMalformedExifSegment() throws IOException {
        byte[] plain = PhotoFixtures.jpeg(PhotoFixtures.halves(16, 8, Color.RED, Color.BLUE));
        byte[] tagged = PhotoFixtures.withExifOrientation(plain, 6, ByteOrder.BIG_ENDIAN);
        int tiff = indexOf(tagged, "Exif") + 6;
        tagged[tiff + 4] = 0x7f; // IFD0 offset far past the segment

        assertThat(ExifOrientation.of(tagged)).isEqualTo(ExifOrientation.NORMAL);
        assertThat(Photos.decode(tagged).getWidth()).isEqualTo(16);
    }

    @Test
    void readsAdobeCmykJpegsWithTheirInvertedInks() throws IOException {
        // Cyan + magenta ink, no yellow or black: a blue. TwelveMonkeys warns that the file has no
        // ICC profile; that warning must not count as damage.
        byte[] cmyk = PhotoFixtures.cmykJpeg(16, 16, 255, 255, 0, 0);

        BufferedImage image = Photos.decode(cmyk);

        Color c = colourAt(image, 8, 8);
        assertThat(image.getWidth()).isEqualTo(16);
        assertThat(c.getBlue()).as("%s", c).isGreaterThan(c.getRed() + 60).isGreaterThan(c.getGreen());
    }

    @Test
    void refusesATruncatedJpegInsteadOfPaddingItWithGrey() {
        byte[] cut = PhotoFixtures.truncated(PhotoFixtures.jpeg(PhotoFixtures.noise(64, 64, 3)));

        assertThatThrownBy(() -> Photos.decode(cut)).isInstanceOf(IOException.class);
    }

    @Test
    void largeDownscalesAverageEverySourcePixel() {
        // Black and white pixels at random: each 64×64 block averages mid-grey within a few
        // levels. One bilinear step from 1024 to 16 blends 4 source pixels per output pixel
        // and lands on 0, 64, 128, 191 or 255.
        BufferedImage board = new BufferedImage(1024, 1024, BufferedImage.TYPE_INT_RGB);
        java.util.Random random = new java.util.Random(7);
        for (int y = 0; y < 1024; y++) {
            for (int x = 0; x < 1024; x++) {
                board.setRGB(x, y, random.nextBoolean() ? 0xffffff : 0);
            }
        }

        BufferedImage small = Photos.resize(board, 16, 16);
        BufferedImage oneStep = oneBilinearStep(board, 16, 16);

        assertThat(small.getWidth()).isEqualTo(16);
        assertThat(maxDistanceFromGrey(small)).isLessThanOrEqualTo(12);
        assertThat(maxDistanceFromGrey(oneStep)).as("the test would catch a single bilinear step").isGreaterThan(60);
    }

    @Test
    void keepsUpscalesAndOddSizesExact() {
        BufferedImage image = PhotoFixtures.halves(10, 7, Color.RED, Color.BLUE);

        assertThat(Photos.resize(image, 28, 28).getWidth()).isEqualTo(28);
        BufferedImage wide = Photos.resize(PhotoFixtures.halves(999, 3, Color.RED, Color.BLUE), 100, 300);
        assertThat(wide.getWidth()).isEqualTo(100);
        assertThat(wide.getHeight()).isEqualTo(300);
        assertThat(colourAt(wide, 10, 150)).isEqualTo(Color.RED);
    }

    @Test
    void configuresImageIoWithoutTempFilesAndWithTheTwelveMonkeysReader() throws IOException {
        Photos.configure();

        assertThat(ImageIO.getUseCache()).isFalse();
        byte[] jpeg = PhotoFixtures.jpeg(PhotoFixtures.halves(8, 8, Color.RED, Color.BLUE));
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(jpeg))) {
            ImageReader reader = Photos.pngOrJpegReader(in);
            assertThat(reader.getClass().getName()).startsWith("com.twelvemonkeys.");
            reader.dispose();
        }
    }

    private static BufferedImage oneBilinearStep(BufferedImage image, int width, int height) {
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, 0, 0, width, height, null);
        g.dispose();
        return out;
    }

    private static int maxDistanceFromGrey(BufferedImage image) {
        int worst = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                worst = Math.max(worst, Math.abs((image.getRGB(x, y) & 0xff) - 128));
            }
        }
        return worst;
    }

    /** The colour at a pixel, snapped to red or blue when JPEG noise leaves it close to one. */
    private static Color colourAt(BufferedImage image, int x, int y) {
        Color c = new Color(image.getRGB(x, y));
        if (c.getRed() > 200 && c.getBlue() < 60 && c.getGreen() < 60) {
            return Color.RED;
        }
        if (c.getBlue() > 200 && c.getRed() < 60 && c.getGreen() < 60) {
            return Color.BLUE;
        }
        return c;
    }

    private static int indexOf(byte[] bytes, String ascii) {
        outer:
        for (int i = 0; i + ascii.length() <= bytes.length; i++) {
            for (int j = 0; j < ascii.length(); j++) {
                if (bytes[i + j] != ascii.charAt(j)) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
