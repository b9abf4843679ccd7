package dev.graft.dataset.internal;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;

/** Builds test uploads in code, and finds the crafted ones under {@code bad/}. */
final class Uploads {

    static final DatasetLimits LIMITS = limits(new DatasetLimits.Archive(100, 64 * 1024, 10L * 1024 * 1024, 100, 100 * 1024),
            new DatasetLimits.Rows(64 * 1024, 10_000), new DatasetLimits.Labels(100, 64, 2));

    static DatasetLimits limits(DatasetLimits.Archive archive, DatasetLimits.Rows rows, DatasetLimits.Labels labels) {
        return new DatasetLimits(archive, rows, labels, 10_000, 50);
    }

    private Uploads() {
    }

    static ReadOptions options(String filename) {
        return options(filename, LIMITS);
    }

    static ReadOptions options(String filename, DatasetLimits limits) {
        return new ReadOptions("label", "text", filename, limits);
    }

    static DatasetErrors errors() {
        return new DatasetErrors(50);
    }

    static byte[] png(int width, int height) {
        return image("png", width, height);
    }

    static byte[] jpeg(int width, int height) {
        return image("jpeg", width, height);
    }

    private static byte[] image(String format, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < width; x++) {
            image.setRGB(x, 0, 0x3366cc * (x + 1));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, format, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Entries in insertion order; a null value makes a directory entry. */
    static final class Zip {
        private final Map<String, byte[]> entries = new LinkedHashMap<>();

        Zip with(String name, byte[] content) {
            entries.put(name, content);
            return this;
        }

        Zip with(String name, String content) {
            return with(name, content.getBytes(StandardCharsets.UTF_8));
        }

        Zip dir(String name) {
            entries.put(name, null);
            return this;
        }

        Path writeTo(Path dir) throws IOException {
            Path file = Files.createTempFile(dir, "upload", ".zip");
            try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
                for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                    zip.putNextEntry(new ZipEntry(entry.getKey()));
                    if (entry.getValue() != null) {
                        zip.write(entry.getValue());
                    }
                    zip.closeEntry();
                }
            }
            return file;
        }
    }

    /** Something that reads an upload. */
    interface Read {
        void run() throws IOException;
    }

    /**
     * Bytes the current thread allocated while {@code read} ran: how the bounded-memory tests tell
     * a reader that refused a bomb up front from one that built it first and refused it after.
     */
    static long allocatedBy(Read read) throws IOException {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        read.run();
        return threads.getCurrentThreadAllocatedBytes() - before;
    }

    static Path text(Path dir, String name, String content) throws IOException {
        return bytes(dir, name, content.getBytes(StandardCharsets.UTF_8));
    }

    static Path bytes(Path dir, String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    static Path bad(String name) {
        try {
            return Path.of(Uploads.class.getResource("/bad/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
