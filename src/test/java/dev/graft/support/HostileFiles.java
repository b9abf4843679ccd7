package dev.graft.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Bad uploads for the bad-input suites: those java.util.zip can make are made here, the ones it
 * refuses to write (absolute and backslash names, lying sizes, huge image headers) are the
 * crafted fixtures under {@code src/test/resources/bad/}.
 */
public final class HostileFiles {

    private HostileFiles() {
    }

    /** A crafted fixture from {@code bad/}. */
    public static byte[] fixture(String name) {
        try (InputStream in = HostileFiles.class.getResourceAsStream("/bad/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("No fixture bad/" + name);
            }
            return in.readAllBytes();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A valid image_folder archive (five 8x8 PNGs each of cat and dog) plus one more entry, so that
     * entry is the upload's only fault.
     */
    public static byte[] imageFolderWith(String entry, byte[] content) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (int i = 0; i < 5; i++) {
            entries.put("cat/" + i + ".png", Fixtures.png(8, 8, i));
            entries.put("dog/" + i + ".png", Fixtures.png(8, 8, 100 + i));
        }
        entries.put(entry, content);
        return Fixtures.zip(entries);
    }

    /** 1 MiB of zeros: deflated to about a kilobyte, a ratio near 1000. */
    public static byte[] zeros() {
        return new byte[1024 * 1024];
    }

    /** A PNG cut off in the middle of its pixel data. */
    public static byte[] truncatedPng() {
        byte[] png = Fixtures.png(32, 32, 9);
        return Arrays.copyOf(png, png.length / 2);
    }

    /** The PNG signature followed by noise instead of chunks. */
    public static byte[] pngSignatureThenGarbage() {
        byte[] bytes = new byte[200];
        byte[] signature = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
        System.arraycopy(signature, 0, bytes, 0, signature.length);
        for (int i = signature.length; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31);
        }
        return bytes;
    }

    /** A 45-byte PNG whose header claims 100000 x 100000 pixels (10^10), with no pixel data. */
    public static byte[] pngBomb() {
        return fixture("huge-dimensions.png");
    }

    public static byte[] gif() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(4, 4, java.awt.image.BufferedImage.TYPE_INT_RGB), "gif", out);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Text whose given 1-based line holds a byte sequence that is not UTF-8 ("\xC3(" : a lead byte without its continuation). */
    public static byte[] withInvalidUtf8OnLine(String text, int line) {
        String[] lines = text.split("\n", -1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < lines.length; i++) {
            byte[] bytes = lines[i].getBytes(StandardCharsets.UTF_8);
            if (i == line - 1) {
                int middle = bytes.length / 2;
                out.write(bytes, 0, middle);
                out.write(0xC3);
                out.write('(');
                out.write(bytes, middle, bytes.length - middle);
            }
            else {
                out.writeBytes(bytes);
            }
            if (i < lines.length - 1) {
                out.write('\n');
            }
        }
        return out.toByteArray();
    }
}
