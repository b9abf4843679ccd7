package dev.graft.support;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import javax.imageio.ImageIO;

/** Small datasets made in code, so tests need no binary fixtures for the happy paths. */
public final class Fixtures {

    /** A job's hyperparameters as the API resolves them, for jobs tests insert directly. */
    public static final String RESOLVED_HYPERPARAMETERS = "{\"n_epochs\":1,\"batch_size\":8,\"learning_rate\":0.001,"
            + "\"early_stopping_patience\":0,\"backbone_learning_rate_multiplier\":0.1,\"unfreeze_layers\":1,\"augment\":false}";

    private Fixtures() {
    }

    /** A PNG of the given size filled with noise (so it does not compress to nothing). */
    public static byte[] png(int width, int height, long seed) {
        return image(width, height, seed, "png");
    }

    public static byte[] jpeg(int width, int height, long seed) {
        return image(width, height, seed, "jpeg");
    }

    private static byte[] image(int width, int height, long seed, String format) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(seed);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256)).getRGB());
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("No ImageIO writer for " + format);
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** An image_folder ZIP: {@code counts} images per label, 8x8 PNGs (every third one a 12x10 JPEG). */
    public static byte[] imageZip(Map<String, Integer> counts) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        long seed = 1;
        for (var label : counts.entrySet()) {
            for (int i = 0; i < label.getValue(); i++) {
                boolean jpeg = i % 3 == 2;
                entries.put(label.getKey() + "/img" + i + (jpeg ? ".jpg" : ".png"),
                        jpeg ? jpeg(12, 10, seed++) : png(8, 8, seed++));
            }
        }
        return zip(entries);
    }

    public static byte[] zip(Map<String, byte[]> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (var entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue());
                zip.closeEntry();
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A csv dataset with two numeric features and {@code perClass} rows of each label. */
    public static byte[] csv(String[] labels, int perClass) {
        StringBuilder csv = new StringBuilder("x1,x2,label\n");
        Random random = new Random(7);
        for (int i = 0; i < perClass; i++) {
            for (int c = 0; c < labels.length; c++) {
                csv.append(String.format(java.util.Locale.ROOT, "%.3f,%.3f,%s%n", c + random.nextGaussian() * 0.1,
                        -c + random.nextGaussian() * 0.1, labels[c]));
            }
        }
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A JSONL text dataset with {@code perClass} lines of each label. */
    public static byte[] jsonl(String[] labels, int perClass) {
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < perClass; i++) {
            for (String label : labels) {
                jsonl.append("{\"text\": \"example ").append(i).append(" about ").append(label)
                        .append("\", \"label\": \"").append(label).append("\"}\n");
            }
        }
        return jsonl.toString().getBytes(StandardCharsets.UTF_8);
    }
}
