package dev.graft.dataset.internal;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Sizes up a ZIP's central directory before anything opens the archive. commons-compress's
 * {@code ZipFile} builds an entry object for every central-directory record it finds, so a small
 * file whose directory repeats one record millions of times exhausts the heap before any per-entry
 * check can run. This reads the end-of-central-directory record (and its ZIP64 form), then walks
 * the directory's records as commons-compress would, counting them and their bytes in constant
 * memory, and stops at the first limit passed.
 *
 * <p>The records are walked, not only counted from the end record, because commons-compress reads
 * records until the signature changes and never consults the declared count or size: an end record
 * that lies would otherwise let the bomb through.
 */
final class CentralDirectory {

    private static final int EOCD_SIGNATURE = 0x06054b50;
    private static final int ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
    private static final int ZIP64_EOCD_SIGNATURE = 0x06064b50;
    private static final int RECORD_SIGNATURE = 0x02014b50;
    private static final int EOCD_SIZE = 22;
    private static final int ZIP64_LOCATOR_SIZE = 20;
    private static final int ZIP64_EOCD_SIZE = 56;
    private static final int RECORD_SIZE = 46;
    // The end record ends with a comment of at most 65535 bytes, so it starts within this of the end.
    private static final int MAX_EOCD_DISTANCE = EOCD_SIZE + 0xFFFF;

    private CentralDirectory() {
    }

    /**
     * Checks the archive's central directory against the entry and size limits, recording the first
     * problem under {@code file}.
     *
     * @return true when the archive may be opened
     */
    static boolean check(Path file, DatasetLimits.Archive limits, DatasetErrors errors) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            String problem = problem(channel, limits);
            if (problem != null) {
                errors.add("file", problem);
                return false;
            }
            return true;
        }
    }

    private static String problem(FileChannel channel, DatasetLimits.Archive limits) throws IOException {
        long eocd = findEndRecord(channel);
        if (eocd < 0) {
            return "not a readable ZIP archive: it has no end-of-central-directory record";
        }
        ByteBuffer end = read(channel, eocd, EOCD_SIZE);
        long entries = end.getShort(10) & 0xFFFF;
        long bytes = end.getInt(12) & 0xFFFFFFFFL;
        long start;
        if (hasZip64Locator(channel, eocd)) {
            ByteBuffer zip64 = zip64EndRecord(channel, eocd);
            if (zip64 == null) {
                return "not a readable ZIP archive: its ZIP64 end-of-central-directory locator points nowhere";
            }
            entries = zip64.getLong(32);
            bytes = zip64.getLong(40);
            start = zip64.getLong(48);
        }
        else {
            long offset = end.getInt(16) & 0xFFFFFFFFL;
            // As commons-compress does: bytes prepended to the archive (a self-extractor stub) shift
            // every offset, and the directory is taken to end where the end record starts.
            start = offset + Math.max(eocd - bytes - offset, 0);
        }
        if (entries < 0 || entries > limits.maxEntries()) {
            return "the archive's central directory declares " + Long.toUnsignedString(entries)
                    + " entries, more than the limit of " + limits.maxEntries() + " (graft.datasets.archive.max-entries)";
        }
        if (bytes < 0 || bytes > limits.maxCentralDirectoryBytes()) {
            return "the archive's central directory declares " + Long.toUnsignedString(bytes) + " bytes, more than the limit of "
                    + limits.maxCentralDirectoryBytes() + " (graft.datasets.archive.max-central-directory-size)";
        }
        if (start < 0 || start > channel.size()) {
            return "not a readable ZIP archive: its central directory starts outside the file";
        }
        return walk(channel, start, limits);
    }

    /** Counts the records from {@code start} until the signature changes, as commons-compress reads them. */
    private static String walk(FileChannel channel, long start, DatasetLimits.Archive limits) throws IOException {
        channel.position(start);
        // Not closed here: that would close the channel, which the caller owns.
        DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel), 64 * 1024));
        byte[] header = new byte[RECORD_SIZE];
        ByteBuffer record = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        long entries = 0;
        long bytes = 0;
        while (true) {
            try {
                in.readFully(header, 0, 4);
            }
            catch (EOFException e) {
                return null;
            }
            if (record.getInt(0) != RECORD_SIGNATURE) {
                return null;
            }
            try {
                in.readFully(header, 4, RECORD_SIZE - 4);
            }
            catch (EOFException e) {
                return "not a readable ZIP archive: its central directory is cut off";
            }
            int variable = (record.getShort(28) & 0xFFFF) + (record.getShort(30) & 0xFFFF) + (record.getShort(32) & 0xFFFF);
            entries++;
            bytes += RECORD_SIZE + variable;
            // The end record may understate both: what commons-compress would really read is what counts.
            if (entries > limits.maxEntries()) {
                return "the archive's central directory holds more than " + limits.maxEntries()
                        + " entries, the limit (graft.datasets.archive.max-entries)";
            }
            if (bytes > limits.maxCentralDirectoryBytes()) {
                return "the archive's central directory holds more than " + limits.maxCentralDirectoryBytes()
                        + " bytes, the limit (graft.datasets.archive.max-central-directory-size)";
            }
            skipFully(in, variable);
        }
    }

    /**
     * The offset of the end-of-central-directory record: its signature searched backwards from 22
     * bytes before the end over at most the longest comment, the first match winning, exactly as
     * commons-compress searches (so both read the same record); -1 if there is none.
     */
    private static long findEndRecord(FileChannel channel) throws IOException {
        long size = channel.size();
        if (size < EOCD_SIZE) {
            return -1;
        }
        long from = Math.max(0, size - MAX_EOCD_DISTANCE);
        ByteBuffer tail = read(channel, from, (int) (size - from));
        for (int i = (int) (size - from) - EOCD_SIZE; i >= 0; i--) {
            if (tail.getInt(i) == EOCD_SIGNATURE) {
                return from + i;
            }
        }
        return -1;
    }

    private static boolean hasZip64Locator(FileChannel channel, long eocd) throws IOException {
        return eocd >= ZIP64_LOCATOR_SIZE
                && read(channel, eocd - ZIP64_LOCATOR_SIZE, 4).getInt(0) == ZIP64_LOCATOR_SIGNATURE;
    }

    /** The ZIP64 end record the locator just before the end record points to, or null if it points nowhere. */
    private static ByteBuffer zip64EndRecord(FileChannel channel, long eocd) throws IOException {
        long offset = read(channel, eocd - ZIP64_LOCATOR_SIZE + 8, 8).getLong(0);
        if (offset < 0 || offset > channel.size() - ZIP64_EOCD_SIZE) {
            return null;
        }
        ByteBuffer record = read(channel, offset, ZIP64_EOCD_SIZE);
        return record.getInt(0) == ZIP64_EOCD_SIGNATURE ? record : null;
    }

    private static ByteBuffer read(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new EOFException();
            }
        }
        return buffer.flip();
    }

    private static void skipFully(InputStream in, long n) throws IOException {
        long left = n;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    return;
                }
                skipped = 1;
            }
            left -= skipped;
        }
    }
}
