package dev.graft.dataset.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
            assertThat(messages.get(0)).startsWith("invalid JSON: ");
            assertThat(messages.get(1)).isEqualTo("expected a JSON object, found array");
            assertThat(messages.get(2)).isEqualTo("missing field \"text\"");
            assertThat(messages.get(3)).isEqualTo("\"text\" must be a string, found number");
            assertThat(messages.get(4)).isEqualTo("empty text");
            assertThat(messages.get(5)).isEqualTo("missing field \"label\"");
            assertThat(messages.get(6)).isEqualTo("empty label");
            assertThat(messages.get(7)).isEqualTo("\"label\" must be a string or a number, found boolean");
            assertThat(messages.get(10)).startsWith("invalid JSON: ");
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
}
