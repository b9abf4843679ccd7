package dev.graft.basemodel;

import java.awt.Graphics2D;
import java.awt.Image;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Cuts the small photos on which {@code coco-mobilenetv2}'s features are checked against
 * TensorFlow.js (see {@code CocoMobileNetV2Test}): squares of Debian {@code darknet}'s sample
 * photos ({@code /usr/share/darknet/data}; darknet is MIT / WTFPL / GPL-3+ at the user's choice),
 * saved as PNG (lossless, so both sides read the same pixels) at the base's default 224 px and the
 * detector's native 300 px, one of them grayscale. Also writes each image's raw RGB bytes (the PNG's
 * own samples, a gray one repeated in three channels) and an index for the TensorFlow.js script.
 *
 * <p>Arguments: {@code <darknet-data-dir> <fixture-dir> <raw-dir>}.
 */
public final class CocoFixtureImages {

    /**
     * One fixture: a square of a photo, scaled to {@code size}. {@code graphInput} says where
     * TensorFlow.js takes it: {@code image_tensor} runs the whole graph, its own resize and scaling
     * included; {@code pixels} feeds float pixels after the graph's resize (which only runs at 300 px).
     */
    record Fixture(String file, String photo, int x, int y, int side, int size, boolean gray, String graphInput) {
    }

    static final List<Fixture> FIXTURES = List.of(
            new Fixture("darknet-dog-224.png", "dog.jpg", 96, 120, 456, 224, false, "pixels"),
            new Fixture("darknet-giraffe-224.png", "giraffe.jpg", 0, 0, 500, 224, false, "pixels"),
            new Fixture("darknet-eagle-224-gray.png", "eagle.jpg", 130, 0, 512, 224, true, "pixels"),
            new Fixture("darknet-horses-300.png", "horses.jpg", 130, 0, 512, 300, false, "image_tensor"));

    private CocoFixtureImages() {
    }

    public static void main(String[] args) throws IOException {
        Path photos = Path.of(args[0]);
        Path fixtures = Files.createDirectories(Path.of(args[1]));
        Path raw = Files.createDirectories(Path.of(args[2]));
        List<Map<String, Object>> index = new ArrayList<>();
        for (Fixture f : FIXTURES) {
            BufferedImage photo = ImageIO.read(photos.resolve(f.photo()).toFile());
            if (photo == null) {
                throw new IOException("Cannot read " + photos.resolve(f.photo()));
            }
            Image scaled = photo.getSubimage(f.x(), f.y(), f.side(), f.side())
                    .getScaledInstance(f.size(), f.size(), Image.SCALE_AREA_AVERAGING);
            BufferedImage out = new BufferedImage(f.size(), f.size(),
                    f.gray() ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
            Graphics2D g = out.createGraphics();
            g.drawImage(scaled, 0, 0, null);
            g.dispose();
            Path png = fixtures.resolve(f.file());
            ImageIO.write(out, "png", png.toFile());
            Files.write(raw.resolve(f.file() + ".rgb"), rgb(ImageIO.read(png.toFile())));
            index.add(Map.of("file", f.file(), "photo", "darknet data/" + f.photo(), "size", f.size(),
                    "gray", f.gray(), "graphInput", f.graphInput(), "raw", f.file() + ".rgb"));
        }
        Files.writeString(raw.resolve("index.json"), JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT)
                .build().writeValueAsString(index));
    }

    /** The decoded PNG's samples, HWC, RGB: the raster, not getRGB, which would colour-convert gray. */
    private static byte[] rgb(BufferedImage image) {
        Raster r = image.getRaster();
        int bands = r.getNumBands();
        byte[] out = new byte[image.getWidth() * image.getHeight() * 3];
        int[] pixel = new int[bands];
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                r.getPixel(x, y, pixel);
                for (int c = 0; c < 3; c++) {
                    out[(y * image.getWidth() + x) * 3 + c] = (byte) pixel[bands == 1 ? 0 : c];
                }
            }
        }
        return out;
    }
}
