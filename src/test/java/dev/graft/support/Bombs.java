package dev.graft.support;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;

/**
 * Uploads made to exhaust memory, written as a stream so that the big ones never sit in this JVM's
 * heap either: a ZIP whose central directory repeats a record for one 5-byte entry, and a text file
 * of one endless line. Small ones feed the bad-input suites; {@code bench/bombs.sh} writes the full
 * size ones with {@link #main}.
 */
public final class Bombs {

    private static final byte[] CONTENT = "bomb!".getBytes(StandardCharsets.US_ASCII);
    private static final int NAME_LENGTH = 7;

    private Bombs() {
    }

    /** How the archive's end-of-central-directory record describes its directory. */
    public enum End {
        /** The true count and size, in the ZIP64 end record (as zip tools write past 65535 entries). */
        ZIP64,
        /**
         * A plain end record claiming one entry, with the directory's true size (commons-compress
         * locates the directory from its size, and reads records until the signature changes).
         */
        LYING
    }

    /** A central-directory bomb of {@code records} records, in memory. */
    public static byte[] centralDirectoryBomb(int records, End end) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writeCentralDirectoryBomb(out, records, end);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * One stored entry {@code c/00000} holding 5 bytes, then {@code records} central-directory
     * records, all pointing at it, named {@code c/00000}, {@code c/00001}, ... (base 36), then the
     * end records. 53 bytes a record: 6 million make about 318 MB.
     */
    public static void writeCentralDirectoryBomb(OutputStream target, long records, End end) throws IOException {
        OutputStream out = new BufferedOutputStream(target, 1 << 16);
        CRC32 crc = new CRC32();
        crc.update(CONTENT);
        byte[] firstName = name(0);
        ByteBuffer local = le(30);
        local.putInt(0x04034b50).putShort((short) 10).putShort((short) 0).putShort((short) 0).putInt(0)
                .putInt((int) crc.getValue()).putInt(CONTENT.length).putInt(CONTENT.length)
                .putShort((short) firstName.length).putShort((short) 0);
        out.write(local.array());
        out.write(firstName);
        out.write(CONTENT);
        long directoryStart = 30 + firstName.length + CONTENT.length;
        ByteBuffer record = le(46);
        for (long i = 0; i < records; i++) {
            record.clear();
            record.putInt(0x02014b50).putShort((short) 20).putShort((short) 10).putShort((short) 0).putShort((short) 0)
                    .putInt(0).putInt((int) crc.getValue()).putInt(CONTENT.length).putInt(CONTENT.length)
                    .putShort((short) NAME_LENGTH).putShort((short) 0).putShort((short) 0).putShort((short) 0)
                    .putShort((short) 0).putInt(0).putInt(0);
            out.write(record.array());
            out.write(name(i));
        }
        long directorySize = records * (46 + NAME_LENGTH);
        long endStart = directoryStart + directorySize;
        if (end == End.ZIP64) {
            ByteBuffer zip64 = le(56 + 20);
            zip64.putInt(0x06064b50).putLong(44).putShort((short) 45).putShort((short) 45).putInt(0).putInt(0)
                    .putLong(records).putLong(records).putLong(directorySize).putLong(directoryStart);
            zip64.putInt(0x07064b50).putInt(0).putLong(endStart).putInt(1);
            out.write(zip64.array());
        }
        boolean zip64 = end == End.ZIP64;
        ByteBuffer eocd = le(22);
        eocd.putInt(0x06054b50).putShort((short) 0).putShort((short) 0)
                .putShort((short) (zip64 ? 0xFFFF : 1)).putShort((short) (zip64 ? 0xFFFF : 1))
                .putInt(zip64 ? 0xFFFFFFFF : (int) directorySize).putInt(zip64 ? 0xFFFFFFFF : (int) directoryStart)
                .putShort((short) 0);
        out.write(eocd.array());
        out.flush();
    }

    /** A JSON Lines file whose first line is one object of about {@code bytes} bytes. */
    public static void writeLongJsonLine(OutputStream target, long bytes) throws IOException {
        OutputStream out = new BufferedOutputStream(target, 1 << 16);
        out.write("{\"label\": \"pos\", \"text\": \"".getBytes(StandardCharsets.US_ASCII));
        byte[] chunk = "all work and no play ".repeat(3000).getBytes(StandardCharsets.US_ASCII);
        for (long written = 0; written < bytes; written += chunk.length) {
            out.write(chunk);
        }
        out.write("\"}\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static byte[] name(long i) {
        String digits = Long.toString(i, 36);
        return ("c/" + "0".repeat(Math.max(0, NAME_LENGTH - 2 - digits.length())) + digits).getBytes(StandardCharsets.US_ASCII);
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * {@code cd-bomb <file> <records>} or {@code jsonl-line <file> <bytes>}: writes a full-size bomb
     * for {@code bench/bombs.sh}.
     */
    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[1]);
        long n = Long.parseLong(args[2]);
        try (OutputStream out = Files.newOutputStream(file)) {
            switch (args[0]) {
                case "cd-bomb" -> writeCentralDirectoryBomb(out, n, End.ZIP64);
                case "jsonl-line" -> writeLongJsonLine(out, n);
                default -> throw new IllegalArgumentException("unknown bomb " + args[0]);
            }
        }
        System.out.println(file + ": " + Files.size(file) + " bytes");
    }
}
