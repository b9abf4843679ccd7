package dev.graft.training;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A split's images decoded and resized once, kept on disk at the preprocessing size with one byte
 * per channel value ({@code n x C x H x W} bytes, no header): a photo split as floats would be
 * {@code 4·C·H·W} bytes an example in memory (2,000 photos at 300 px: 2.2 GB). Batches read their
 * rows with positional reads, so the process holds a batch, not the split (a memory map would count
 * every touched page in the worker's resident set). The file is in {@link DiskCache}, named by
 * the examples' identities and the size, so another job on the same data and size reuses it.
 */
final class PixelFile {

    /** Part of every name: change it when decoding or resizing changes what a row holds. */
    static final String VERSION = "pixels-v1";
    private static final Cleaner CLEANER = Cleaner.create();

    private final Path path;
    private final FileChannel channel;
    private final int rowBytes;
    private final int size;

    private PixelFile(Path path, FileChannel channel, int rowBytes, int size) {
        this.path = path;
        this.channel = channel;
        this.rowBytes = rowBytes;
        this.size = size;
    }

    /** The file for these examples at {@code c x h x w}, built unless an earlier run left it. */
    static PixelFile of(List<Example> examples, String[] identities, int c, int h, int w) {
        int rowBytes = Math.multiplyExact(Math.multiplyExact(c, h), w);
        long bytes = (long) rowBytes * examples.size();
        Path path = DiskCache.directory("pixels").resolve(DiskCache.key(VERSION, c + "x" + h + "x" + w,
                String.join("\n", identities)) + ".u8");
        try {
            if (!Files.exists(path) || Files.size(path) != bytes) {
                build(examples, c, h, w, rowBytes, path);
            }
            FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
            DiskCache.touch(path);
            DiskCache.evict(path);
            PixelFile file = new PixelFile(path, channel, rowBytes, examples.size());
            // The split has no close of its own (a run's held-out split outlives the run): the
            // channel closes when the split is unreachable.
            CLEANER.register(file, () -> closeQuietly(channel));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the pixel cache " + path, e);
        }
    }

    // Decoding is the slow part, so examples decode in parallel (the common pool, about one per
    // core), each writing its row at its own offset; memory holds one decoded image per thread.
    private static void build(List<Example> examples, int c, int h, int w, int rowBytes, Path path)
            throws IOException {
        Path temporary = Files.createTempFile(path.getParent(), "pixels", ".tmp");
        try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
            IntStream.range(0, examples.size()).parallel().forEach(i -> {
                float[] x = Pixels.toChw(examples.get(i).input(), c, h, w);
                byte[] row = new byte[rowBytes];
                for (int j = 0; j < rowBytes; j++) {
                    row[j] = (byte) Math.round(x[j] * 255f);
                }
                try {
                    ByteBuffer buffer = ByteBuffer.wrap(row);
                    long at = (long) i * rowBytes;
                    while (buffer.hasRemaining()) {
                        at += out.write(buffer, at);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            DiskCache.publish(temporary, path);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    int size() {
        return size;
    }

    Path path() {
        return path;
    }

    /** Row {@code index} as values in [0,1], into {@code out} (length {@code C·H·W}). */
    void read(int index, ByteBuffer buffer, float[] out) {
        buffer.clear();
        long at = (long) index * rowBytes;
        try {
            while (buffer.hasRemaining()) {
                int n = channel.read(buffer, at + buffer.position());
                if (n < 0) {
                    throw new IllegalStateException("The pixel cache " + path + " is shorter than its split");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the pixel cache " + path, e);
        }
        byte[] row = buffer.array();
        for (int j = 0; j < rowBytes; j++) {
            out[j] = (row[j] & 0xff) / 255f;
        }
    }

    ByteBuffer rowBuffer() {
        return ByteBuffer.allocate(rowBytes);
    }

    /**
     * What an image is, for cache names: a stored file's identity, or a hash of the bytes or pixels
     * an in-memory input carries; null for inputs that are not images.
     */
    static String identity(Input input) {
        if (input instanceof Input.StoredImage s) {
            return "stored:" + s.identity();
        }
        if (input instanceof Input.EncodedImage e) {
            return "bytes:" + HexFormat.of().formatHex(DiskCache.sha256().digest(e.bytes()));
        }
        if (input instanceof Input.Image i) {
            return "pixels:" + raster(i.image());
        }
        return null;
    }

    private static String raster(BufferedImage image) {
        MessageDigest digest = DiskCache.sha256();
        int w = image.getWidth();
        int h = image.getHeight();
        int[] row = new int[w];
        ByteBuffer bytes = ByteBuffer.allocate(w * Integer.BYTES);
        digest.update(ByteBuffer.allocate(8).putInt(w).putInt(h).array());
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            bytes.clear();
            bytes.asIntBuffer().put(row);
            digest.update(bytes.array());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing to do: the descriptor is gone either way.
        }
    }
}
