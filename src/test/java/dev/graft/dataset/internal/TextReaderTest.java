package dev.graft.dataset.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.graft.support.Bombs;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextReaderTest {

    @TempDir
    Path dir;

    private final DatasetErrors errors = Uploads.errors();

    private ScannedDataset scan(String filename, String content) throws IOException {
        return new TextReader().scan(Uploads.text(dir, "upload", content), Uploads.options(filename), errors);
    }

    @Test
    void readsJsonLinesWithStringAndNumericLabels() throws IOException {
        ScannedDataset scan = scan("reviews.jsonl", """
                {"text": "great", "label": "pos", "id": 1}

                {"text": "bad \uD83D\uDE20", "label": 0}
                {"text": "meh", "label": 2.5}
                """);

        assertThat(errors.listed()).isEmpty();
        assertThat(scan.examples()).containsExactly(
                new Example("pos", "1"), new Example("0", "3"), new Example("2.5", "4"));
        assertThat(scan.details()).isEqualTo(Map.of(
                "text_format", "jsonl",
                "text_length", Map.of("min", 3L, "max", 5L, "mean", 4.3)));
    }

    @Test
    void readsCsvIgnoringOtherColumns() throws IOException {
        ScannedDataset scan = scan("reviews.csv", """
                id,label,text
                1,pos,"good, really
                good"
                2,neg,awful
                """);

        assertThat(errors.listed()).isEmpty();
        assertThat(scan.examples()).containsExactly(new Example("pos", "2"), new Example("neg", "4"));
        assertThat(scan.details()).isEqualTo(Map.of(
                "text_format", "csv",
                "text_length", Map.of("min", 5L, "max", 17L, "mean", 11.0)));
    }

    @Test
    void sniffsJsonLinesWhenTheExtensionSaysNothing() throws IOException {
        ScannedDataset scan = scan(null, "\n  {\"text\": \"a\", \"label\": \"x\"}\n");

        assertThat(scan.details()).containsEntry("text_format", "jsonl");
    }

    @Test
    void sniffsCsvWhenTheFirstByteIsNotABrace() throws IOException {
        ScannedDataset scan = scan("data.txt", "text,label\nhello,x\n");

        assertThat(errors.listed()).isEmpty();
        assertThat(scan.details()).containsEntry("text_format", "csv");
    }

    @Test
    void reportsEachJsonLinesProblemAtItsLine() throws IOException {
        scan("bad.jsonl", """
                {"text": "ok", "label": "a"}
                {"text": "unterminated
                ["not", "an", "object"]
                {"label": "a"}
                {"text": 42, "label": "a"}
                {"text": "   ", "label": "a"}
                {"text": "fine"}
                {"text": "fine", "label": ""}
                {"text": "fine", "label": true}
                {"text": "fine", "label": null}
                {"text": "fine", "label": {"x": 1}}
                {"text": "x", "label": "a"} {"text": "y"}
                """);

        assertThat(errors.listed()).extracting(DatasetIssue::location).containsExactly(
                "2", "3", "4", "5:text", "6:text", "7", "8:label", "9:label", "10:label", "11:label", "12");
        assertThat(errors.listed()).extracting(DatasetIssue::message).satisfies(messages -> {
            assertThat(messages.get(0)).isEqualTo("invalid JSON at column 23");
            assertThat(messages.get(1)).isEqualTo("expected a JSON object, found array");
            assertThat(messages.get(2)).isEqualTo("missing field \"text\"");
            assertThat(messages.get(3)).isEqualTo("\"text\" must be a string, found number");
            assertThat(messages.get(4)).isEqualTo("empty text");
            assertThat(messages.get(5)).isEqualTo("missing field \"label\"");
            assertThat(messages.get(6)).isEqualTo("empty label");
            assertThat(messages.get(7)).isEqualTo("\"label\" must be a string or a number, found boolean");
            assertThat(messages.get(10)).startsWith("invalid JSON at column ");
        });
    }

    @Test
    void reportsCsvProblemsAtLineAndColumn() throws IOException {
        scan("t.csv", """
                text,label
                ,a
                hi,
                only one field
                """);

        assertThat(errors.listed()).containsExactly(
                new DatasetIssue("2:text", "empty text"),
                new DatasetIssue("3:label", "empty label"),
                new DatasetIssue("4", "row has 1 fields, expected 2"));
    }

    @Test
    void rejectsCsvWithoutTheTextColumn() throws IOException {
        scan("t.csv", "body,label\nhi,a\n");

        assertThat(errors.listed()).containsExactly(
                new DatasetIssue("1:text", "column \"text\" not found; columns are [body, label]"));
    }

    @Test
    void rejectsEmptyFiles() throws IOException {
        scan("t.jsonl", "");

        assertThat(errors.listed()).containsExactly(new DatasetIssue("file", "the file is empty"));
    }

    @Test
    void rejectsFilesOfOnlyBlankLines() throws IOException {
        scan("t.jsonl", "\n \n");

        assertThat(errors.listed()).containsExactly(new DatasetIssue("file", "the file holds no examples"));
    }

    @Test
    void rejectsInvalidUtf8NamingTheLine() throws IOException {
        byte[] content = "{\"text\": \"a\", \"label\": \"x\"}\n{\"text\": \"\u00ff\", \"label\": \"x\"}\n"
                .getBytes(StandardCharsets.ISO_8859_1);
        Path file = Uploads.bytes(dir, "t.jsonl", content);

        new TextReader().scan(file, Uploads.options("t.jsonl"), errors);

        assertThat(errors.listed()).extracting(DatasetIssue::location).containsExactly("2");
    }

    @Test
    void refusesALineOverTheLimitWithoutBuildingIt() throws IOException {
        Path file = dir.resolve("one-line.jsonl");
        try (OutputStream out = Files.newOutputStream(file)) {
            Bombs.writeLongJsonLine(out, 20L * 1024 * 1024);
        }

        long allocated = Uploads.allocatedBy(() -> new TextReader().scan(file, Uploads.options("one-line.jsonl"), errors));

        assertThat(errors.listed()).containsExactly(
                new DatasetIssue("1", "line 1 is longer than 65536 bytes (graft.datasets.max-line-size)"));
        // readLine would have built the 20 MB line (twice over, as chars) before anything could look at it.
        assertThat(allocated).isLessThan(4L * 1024 * 1024);
    }

    @Test
    void refusesACsvRecordWhoseQuotedTextRunsOverManyLinesPastTheLimit() throws IOException {
        String longText = "a short line inside one quoted field\n".repeat(50_000);
        Path file = Uploads.text(dir, "t.csv", "text,label\nhello,pos\n\"" + longText + "\",neg\nbye,neg\n");

        long allocated = Uploads.allocatedBy(() -> new TextReader().scan(file, Uploads.options("t.csv"), errors));

        assertThat(errors.listed()).containsExactly(
                new DatasetIssue("3", "record is longer than 65536 bytes (graft.datasets.max-line-size)"));
        assertThat(allocated).isLessThan(4L * 1024 * 1024);
    }

    @Test
    void stopsAtTheRowPastTheRowLimit() throws IOException {
        ReadOptions options = limited(new DatasetLimits.Rows(1024, 3), Uploads.LIMITS.labels());

        new TextReader().scan(Uploads.text(dir, "t.jsonl", "{\"text\": \"a\", \"label\": \"x\"}\n\n".repeat(5)),
                options, errors);

        assertThat(errors.listed()).containsExactly(new DatasetIssue("7", "more than 3 rows (graft.datasets.max-rows)"));
    }

    @Test
    void stopsAtTheLabelPastTheClassLimit() throws IOException {
        ReadOptions options = limited(Uploads.LIMITS.rows(), new DatasetLimits.Labels(3, 64, 1));

        new TextReader().scan(Uploads.text(dir, "t.csv", "text,label\na,x\nb,y\nc,x\nd,z\ne,w\nf,v\n"), options, errors);

        assertThat(errors.listed()).containsExactly(new DatasetIssue("6:label",
                "label \"w\" would be class 4; at most 3 classes are allowed (graft.datasets.max-classes)"));
    }

    @Test
    void refusesLabelsLongerThanTheLimitInCharactersNotBytes() throws IOException {
        ReadOptions options = limited(Uploads.LIMITS.rows(), new DatasetLimits.Labels(100, 4, 1));

        new TextReader().scan(Uploads.text(dir, "t.jsonl", """
                {"text": "a", "label": "\u00e9\u00e9\u00e9\u00e9"}
                {"text": "b", "label": "abcde"}
                {"text": "c", "label": 123456}
                """), options, errors);

        assertThat(errors.listed()).containsExactly(
                new DatasetIssue("2:label", "label of 5 characters; at most 4 are allowed (graft.datasets.max-label-length)"),
                new DatasetIssue("3:label", "label of 6 characters; at most 4 are allowed (graft.datasets.max-label-length)"));
    }

    @Test
    void givesEveryExampleOfAClassTheSameLabelInstance() throws IOException {
        ScannedDataset scan = scan("t.csv", "text,label\na,pos\nb,pos\n");

        assertThat(scan.examples().get(0).label()).isSameAs(scan.examples().get(1).label());
    }

    private static ReadOptions limited(DatasetLimits.Rows rows, DatasetLimits.Labels labels) {
        return new ReadOptions("label", "text", null, Uploads.limits(Uploads.LIMITS.archive(), rows, labels));
    }
}
