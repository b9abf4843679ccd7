package dev.graft.dataset.internal;

import static dev.graft.dataset.internal.Uploads.LIMITS;
import static dev.graft.dataset.internal.Uploads.png;
import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.support.Bombs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An image archive's central directory is sized up from its end records before the archive is opened. */
class CentralDirectoryTest {

    @TempDir
    Path dir;

    private final DatasetErrors errors = Uploads.errors();

    private ScannedDataset scan(Path file) throws IOException {
        return scan(file, LIMITS);
    }

    private ScannedDataset scan(Path file, DatasetLimits limits) throws IOException {
        return new ImageFolderReader().scan(file, Uploads.options("images.zip", limits), errors);
    }

    @Test
    void refusesACentralDirectoryBombFromItsEndRecordBeforeOpeningTheArchive() throws IOException {
        Path zip = Files.write(dir.resolve("bomb.zip"), Bombs.centralDirectoryBomb(200_000, Bombs.End.ZIP64));

        long allocated = Uploads.allocatedBy(() -> scan(zip, withDirectory(100, 64L * 1024 * 1024)));

        assertThat(errors.listed()).containsExactly(new DatasetIssue("file", "the archive's central directory declares "
                + "200000 entries, more than the limit of 100 (graft.datasets.archive.max-entries)"));
        // Opening it would have built 200,000 entry objects (tens of megabytes) before the count was checked.
        assertThat(allocated).isLessThan(4L * 1024 * 1024);
    }

    @Test
    void countsTheDirectoryRecordsWhenTheEndRecordUnderstatesThem() throws IOException {
        Path zip = Files.write(dir.resolve("bomb.zip"), Bombs.centralDirectoryBomb(200_000, Bombs.End.LYING));

        long allocated = Uploads.allocatedBy(() -> scan(zip, withDirectory(100, 64L * 1024 * 1024)));

        assertThat(errors.listed()).containsExactly(new DatasetIssue("file", "the archive's central directory holds "
                + "more than 100 entries, the limit (graft.datasets.archive.max-entries)"));
        assertThat(allocated).isLessThan(4L * 1024 * 1024);
    }

    @Test
    void refusesACentralDirectoryLargerThanItsLimit() throws IOException {
        Uploads.Zip zip = new Uploads.Zip();
        for (int i = 0; i < 3; i++) {
            zip.with("cat/" + "n".repeat(30_000) + i + ".png", png(2, 2));
        }

        scan(zip.writeTo(dir), withDirectory(100, 64 * 1024));

        assertThat(errors.listed()).singleElement().satisfies(issue -> {
            assertThat(issue.location()).isEqualTo("file");
            assertThat(issue.message()).matches("the archive's central directory declares 9\\d{4} bytes, more than the "
                    + "limit of 65536 \\(graft.datasets.archive.max-central-directory-size\\)");
        });
    }

    @Test
    void findsTheEndRecordBehindTheLongestComment() throws IOException {
        Path file = dir.resolve("commented.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(file))) {
            out.putNextEntry(new ZipEntry("cat/a.png"));
            out.write(png(2, 2));
            out.closeEntry();
            out.setComment("c".repeat(0xFFFF));
        }

        ScannedDataset scan = scan(file);

        assertThat(errors.listed()).isEmpty();
        assertThat(scan.examples()).containsExactly(new Example("cat", "cat/a.png"));
    }

    @Test
    void refusesAnArchiveWithoutAnEndRecordWithoutSayingWhatTheLibraryThrew() throws IOException {
        byte[] valid = Files.readAllBytes(new Uploads.Zip().with("cat/a.png", png(2, 2)).writeTo(dir));

        scan(Uploads.bytes(dir, "cut.zip", Arrays.copyOf(valid, valid.length - 10)));

        assertThat(errors.listed()).containsExactly(new DatasetIssue("file",
                "not a readable ZIP archive: it has no end-of-central-directory record"));
    }

    private static DatasetLimits withDirectory(int maxEntries, long maxDirectoryBytes) {
        DatasetLimits.Archive archive = LIMITS.archive();
        return Uploads.limits(new DatasetLimits.Archive(maxEntries, maxDirectoryBytes, archive.maxUncompressedBytes(),
                archive.maxInflateRatio(), archive.ratioCheckThresholdBytes()), LIMITS.rows(), LIMITS.labels());
    }
}
