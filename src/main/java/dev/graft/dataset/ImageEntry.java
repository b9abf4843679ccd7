package dev.graft.dataset;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;

import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * One image of a stored {@code image_folder} dataset, read from its archive only when asked: a
 * split of photos is thousands of megabyte-sized files, more than a worker should hold at once.
 *
 * @param identity names the file's content for caches: the dataset's id and SHA-256 (a stored
 *     dataset never changes) and the entry's location
 */
public record ImageEntry(String identity, Path archive, String location) {

    /** The entry's bytes. The archive is opened per read: its directory costs milliseconds to parse. */
    public byte[] read() {
        try (ZipFile zip = ZipFile.builder().setPath(archive).get()) {
            ZipArchiveEntry entry = zip.getEntry(location);
            if (entry == null) {
                throw new IllegalStateException("The stored dataset file has no entry " + location);
            }
            try (InputStream in = zip.getInputStream(entry)) {
                return in.readAllBytes();
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + location + " from " + archive, e);
        }
    }
}
