package dev.graft.dataset.internal;

import static dev.graft.dataset.internal.Uploads.LIMITS;
import static dev.graft.dataset.internal.Uploads.bad;
import static dev.graft.dataset.internal.Uploads.jpeg;
import static dev.graft.dataset.internal.Uploads.png;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

import dev.graft.image.PhotoFixtures;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageFolderReaderTest {

    @TempDir
    Path dir;

    private final ImageFolderReader reader = new ImageFolderReader();
    private final DatasetErrors errors = Uploads.errors();

    private ScannedDataset scan(Path file) throws IOException {
        return reader.scan(file, Uploads.options("images.zip"), errors);
    }

    private ScannedDataset scan(Path file, DatasetLimits limits) throws IOException {
        return reader.scan(file, Uploads.options("images.zip", limits), errors);
    }

    @Test
    void readsTopLevelFoldersAsLabelsIncludingNestedFilesInSortedOrder() throws IOException {
        Path zip = new Uploads.Zip()
                .dir("dog/")
                .with("dog/b.png", png(4, 3))
                .dir("cat/")
                .with("cat/sub/c.png", png(8, 6))
                .with("cat/a.jpg", jpeg(5, 7))
                .writeTo(dir);

        ScannedDataset scan = scan(zip);

        assertThat(errors.listed()).isEmpty();
        assertThat(scan.examples()).containsExactly(
                new Example("cat", "cat/a.jpg"),
                new Example("cat", "cat/sub/c.png"),
                new Example("dog", "dog/b.png"));
        assertThat(scan.details()).isEqualTo(Map.of("image", Map.of(
                "min_width", 4, "max_width", 8, "min_height", 3, "max_height", 7,
                "formats", Map.of("png", 2, "jpeg", 1))));
    }

    @Test
    void identifiesImagesByContentNotByExtension() throws IOException {
        Path zip = new Uploads.Zip()
                .with("cat/really-a-png.jpg", png(2, 2))
                .with("cat/notes.png", "just some text")
                .writeTo(dir);

        ScannedDataset scan = scan(zip);

        assertThat(errors.listed()).containsExactly(
                new DatasetIssue("cat/notes.png", "not a PNG or JPEG image"));
        assertThat(scan.details()).extracting("image").extracting("formats")
                .isEqualTo(Map.of("png", 1, "jpeg", 0));
    }

    @Test
    void rejectsImageFormatsOtherThanPngAndJpeg() throws IOException {
        ByteArrayOutputStream gif = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB), "gif", gif);
        Path zip = new Uploads.Zip().with("cat/a.gif", gif.toByteArray()).writeTo(dir);

        scan(zip);

        assertThat(errors.listed()).containsExactly(new DatasetIssue("cat/a.gif", "not a PNG or JPEG image"));
    }

    @Test
    void skipsDirectoriesAndOperatingSystemClutter() throws IOException {
        Path zip = new Uploads.Zip()
                .dir("cat/")
                .with("cat/a.png", png(2, 2))
                .with("__MACOSX/cat/._a.png", "resource fork")
                .with("cat/._a.png", "apple double")
                .with("cat/.DS_Store", "finder")
                .with(".DS_Store", "finder")
                .with("cat/Thumbs.db", "explorer")
                .with("cat/desktop.ini", "explorer")
                .with(".git/config", "hidden folder")
                .with("cat/.cache/x.png", "hidden folder")
                .writeTo(dir);

        ScannedDataset scan = scan(zip);

        assertThat(errors.listed()).isEmpty();
        assertThat(scan.examples()).containsExactly(new Example("cat", "cat/a.png"));
    }

    @Test
    void skipsSymlinkEntries() throws IOException {
        ScannedDataset scan = scan(bad("symlink-entry.zip"));

        assertThat(errors.listed()).isEmpty();
        assertThat(scan.examples()).extracting(Example::location)
                .containsExactly("cat/1.png", "cat/2.png", "dog/1.png", "dog/2.png");
    }

    @Test
    void rejectsFilesOutsideAClassFolder() throws IOException {
        Path zip = new Uploads.Zip()
                .with("cat/a.png", png(2, 2))
                .with("stray.png", png(2, 2))
                .writeTo(dir);

        scan(zip);

        assertThat(errors.listed()).extracting(DatasetIssue::location).containsExactly("stray.png");
    }

    @Test
    void acceptsCmykAndExifTaggedJpegsAsPhotosComeFromCamerasAndPrintShops() throws IOException {
        byte[] rotated = PhotoFixtures.withExifOrientation(jpeg(6, 4), 6, java.nio.ByteOrder.BIG_ENDIAN);
        Path zip = new Uploads.Zip()
                .with("cat/cmyk.jpg", PhotoFixtures.cmykJpeg(8, 8, 255, 255, 0, 0))
                .with("dog/phone.jpg", rotated)
                .writeTo(dir);

        ScannedDataset scan = scan(zip);

        assertThat(errors.listed()).isEmpty();
        assertThat(scan.examples()).hasSize(2);
    }

    @Test
    void rejectsTruncatedPng() throws IOException {
        byte[] whole = png(64, 64);
        Path zip = new Uploads.Zip().with("cat/cut.png", Arrays.copyOf(whole, whole.length - 30)).writeTo(dir);

        scan(zip);

        assertThat(errors.listed()).singleElement().satisfies(issue -> {
            assertThat(issue.location()).isEqualTo("cat/cut.png");
            assertThat(issue.message()).startsWith("cannot decode image: ");
        });
    }

    @Test
    void rejectsTruncatedJpegRatherThanPaddingItWithGrey() throws IOException {
        BufferedImage noisy = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(1);
        for (int x = 0; x < 64; x++) {
            for (int y = 0; y < 64; y++) {
                noisy.setRGB(x, y, random.nextInt());
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(noisy, "jpeg", out);
        byte[] whole = out.toByteArray();
        Path zip = new Uploads.Zip().with("cat/cut.jpg", Arrays.copyOf(whole, whole.length / 2)).writeTo(dir);

        scan(zip);

        assertThat(errors.listed()).singleElement().satisfies(issue -> {
            assertThat(issue.location()).isEqualTo("cat/cut.jpg");
            assertThat(issue.message()).startsWith("cannot decode image: ");
        });
    }

    @Test
    void refusesImageBombsFromTheHeaderWithoutDecoding() throws IOException {
        Path zip = new Uploads.Zip()
                .with("cat/bomb.png", Files.readAllBytes(bad("huge-dimensions.png")))
                .writeTo(dir);

        scan(zip);

        assertThat(errors.listed()).singleElement().satisfies(issue -> {
            assertThat(issue.location()).isEqualTo("cat/bomb.png");
            assertThat(issue.message()).contains("100000x100000", "10000 pixels");
        });
    }

    @Test
    void rejectsAnUploadThatIsNotAZip() throws IOException {
        scan(Uploads.text(dir, "x.zip", "name,label\n"));

        assertThat(errors.listed()).extracting(DatasetIssue::location).containsExactly("file");
    }

    @Test
    void rejectsAnEmptyUpload() throws IOException {
        scan(Uploads.text(dir, "x.zip", ""));

        assertThat(errors.listed()).extracting(DatasetIssue::location).containsExactly("file");
    }

    @Test
    void rejectsAnArchiveWithoutImages() throws IOException {
        scan(new Uploads.Zip().dir("cat/").with("cat/.DS_Store", "x").writeTo(dir));

        assertThat(errors.listed()).containsExactly(new DatasetIssue("file", "the archive contains no images"));
    }

    @ParameterizedTest
    @CsvSource({
            "zip-slip-dotdot.zip, ../evil.png",
            "zip-slip-absolute.zip, /tmp/evil.png",
            "zip-slip-backslash.zip, cat\\..\\..\\evil.png"})
    void rejectsZipEntriesOutsideTheDatasetDirectoryAndStops(String fixture, String entry) throws IOException {
        ScannedDataset scan = scan(bad(fixture));

        assertThat(errors.total()).isEqualTo(1);
        assertThat(errors.listed()).singleElement().satisfies(issue -> {
            assertThat(issue.location()).isEqualTo(entry);
            assertThat(issue.message()).contains("zip slip");
        });
        assertThat(scan.examples()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"C:/evil.png", "cat/../../evil.png", "cat/sub/../../../evil.png"})
    void rejectsTraversalAndDriveLetterNames(String entry) throws IOException {
        scan(new Uploads.Zip().with("cat/a.png", png(2, 2)).with(entry, png(2, 2)).writeTo(dir));

        assertThat(errors.listed()).extracting(DatasetIssue::location).containsExactly(entry);
    }

    @Test
    void stopsAtTooManyEntriesBeforeReadingAny() throws IOException {
        DatasetLimits.Archive archive = LIMITS.archive();
        DatasetLimits fewEntries = Uploads.limits(new DatasetLimits.Archive(3, archive.maxCentralDirectoryBytes(),
                archive.maxUncompressedBytes(), archive.maxInflateRatio(), archive.ratioCheckThresholdBytes()),
                LIMITS.rows(), LIMITS.labels());
        Uploads.Zip zip = new Uploads.Zip();
        for (int i = 0; i < 4; i++) {
            zip.with("cat/" + i + ".png", "not even an image");
        }

        scan(zip.writeTo(dir), fewEntries);

        assertThat(errors.listed()).containsExactly(
                new DatasetIssue("file", "the archive's central directory declares 4 entries, more than the limit of 3 "
                        + "(graft.datasets.archive.max-entries)"));
    }

    @Test
    void stopsWhenDeclaredSizesExceedTheTotalLimit() throws IOException {
        DatasetLimits small = withTotal(1000, LIMITS.archive().maxInflateRatio());
        byte[] noise = new byte[800];
        new Random(7).nextBytes(noise);

        scan(new Uploads.Zip().with("cat/a.png", noise).with("cat/b.png", noise).writeTo(dir), small);

        assertThat(errors.listed()).containsExactly(
                new DatasetIssue("file", "archive inflates to more than 1000 bytes"));
    }

    @Test
    void countsRealInflatedBytesWhenHeadersUnderstateTheSize() throws IOException {
        // The fixture's headers claim 1000 bytes; it really inflates to 5 MiB.
        DatasetLimits oneMebibyte = withTotal(1024 * 1024, 1e9);

        scan(bad("lying-size-bomb.zip"), oneMebibyte);

        assertThat(errors.listed()).containsExactly(
                new DatasetIssue("file", "archive inflates to more than 1048576 bytes"));
    }

    @Test
    void rejectsZipBombsFromTheirHeaderRatio() throws IOException {
        Path zip = new Uploads.Zip().with("cat/bomb.png", new byte[5 * 1024 * 1024]).writeTo(dir);

        scan(zip);

        assertThat(errors.listed()).singleElement().satisfies(issue -> {
            assertThat(issue.location()).isEqualTo("cat/bomb.png");
            assertThat(issue.message()).contains("zip bomb");
        });
    }

    @Test
    void rejectsZipBombsByRealInflationWhenTheHeaderLies() throws IOException {
        ScannedDataset scan = scan(bad("lying-size-bomb.zip"));

        assertThat(errors.total()).isEqualTo(1);
        assertThat(errors.listed()).singleElement().satisfies(issue -> {
            assertThat(issue.location()).isEqualTo("cat/bomb.png");
            assertThat(issue.message()).contains("zip bomb");
        });
        assertThat(scan.examples()).isEmpty();
    }

    private static DatasetLimits withTotal(long totalBytes, double ratio) {
        DatasetLimits.Archive archive = LIMITS.archive();
        return Uploads.limits(new DatasetLimits.Archive(archive.maxEntries(), archive.maxCentralDirectoryBytes(), totalBytes,
                ratio, archive.ratioCheckThresholdBytes()), LIMITS.rows(), LIMITS.labels());
    }
}
