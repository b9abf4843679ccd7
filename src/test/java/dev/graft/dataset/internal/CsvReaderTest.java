package dev.graft.dataset.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvReaderTest {

    @TempDir
    Path dir;

    private final DatasetErrors errors = Uploads.errors();

    private ScannedDataset scan(String content) throws IOException {
        return new CsvReader().scan(Uploads.text(dir, "iris.csv", content), Uploads.options("iris.csv"), errors);
    }

    @Test
    void readsNumericFeaturesAndTheNamedLabelColumnInFileOrder() throws IOException {
        Path file = Uploads.text(dir, "iris.csv", """
                sepal_length,species,petal_width
                5.1,setosa,0.2
                6.3, virginica ,-1.8e0

                .5,setosa,+3
                """);
        ReadOptions options = new ReadOptions("species", "text", "iris.csv", Uploads.LIMITS);

        ScannedDataset scan = new CsvReader().scan(file, options, errors);

        assertThat(errors.listed()).isEmpty();
        assertThat(scan.examples()).containsExactly(
                new Example("setosa", "2"), new Example("virginica", "3"), new Example("setosa", "5"));
        assertThat(scan.details()).isEqualTo(Map.of(
                "features", List.of("sepal_length", "petal_width"), "num_features", 2));
    }

    @Test
    void acceptsAByteOrderMarkAndWindowsLineEnds() throws IOException {
        ScannedDataset scan = scan("\uFEFFx,label\r\n1,a\r\n2,b\r\n");

        assertThat(errors.listed()).isEmpty();
        assertThat(scan.examples()).containsExactly(new Example("a", "2"), new Example("b", "3"));
    }

    @Test
    void reportsTheLineWhereARecordStartsWhenAQuotedFieldSpansLines() throws IOException {
        scan("""
                x,label
                1,"multi
                line
                label"
                oops,b
                """);

        assertThat(errors.listed()).containsExactly(
                new DatasetIssue("5:x", "\"oops\" is not a number"));
    }

    @Test
    void rejectsRaggedRows() throws IOException {
        scan("a,b,label\n1,2,x\n1,x\n");

        assertThat(errors.listed()).containsExactly(new DatasetIssue("3", "row has 2 fields, expected 3"));
    }

    @Test
    void reportsEachBadCellAtLineAndColumn() throws IOException {
        scan("""
                a,b,label
                1,,x
                NaN,2,x
                -Infinity,0x1p3,x
                1e999,2,
                """);

        assertThat(errors.listed()).containsExactly(
                new DatasetIssue("2:b", "missing value"),
                new DatasetIssue("3:a", "\"NaN\" is not allowed; features must be finite numbers"),
                new DatasetIssue("4:a", "\"-Infinity\" is not allowed; features must be finite numbers"),
                new DatasetIssue("4:b", "\"0x1p3\" is not a number"),
                new DatasetIssue("5:a", "\"1e999\" is too large for a 64-bit floating-point number"),
                new DatasetIssue("5:label", "empty label"));
    }

    @Test
    void rejectsAHeaderWithoutTheLabelColumnListingTheColumnsFound() throws IOException {
        scan("a,b,class\n1,2,x\n");

        assertThat(errors.listed()).containsExactly(
                new DatasetIssue("1:label", "label column \"label\" not found; columns are [a, b, class]"));
    }

    @Test
    void rejectsDuplicateAndBlankColumnNames() throws IOException {
        scan("a,a, ,label\n1,2,3,x\n");

        assertThat(errors.listed()).containsExactly(
                new DatasetIssue("1:a", "duplicate column name \"a\""),
                new DatasetIssue("1", "column 3 of the header has no name"));
    }

    @Test
    void needsAtLeastOneFeatureColumn() throws IOException {
        scan("label\nx\n");

        assertThat(errors.listed()).extracting(DatasetIssue::location).containsExactly("1");
    }

    @Test
    void rejectsAnEmptyFile() throws IOException {
        scan("");

        assertThat(errors.listed()).containsExactly(new DatasetIssue("file", "the file is empty"));
    }

    @Test
    void rejectsAFileOfBlankLines() throws IOException {
        scan("\n\n  \n");

        assertThat(errors.listed()).containsExactly(new DatasetIssue("file", "the file has no header row"));
    }

    @Test
    void rejectsInvalidUtf8NamingTheLine() throws IOException {
        byte[] latin1 = "x,label\n1,a\n2,caf\u00e9\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        Path file = Uploads.bytes(dir, "latin1.csv", latin1);

        new CsvReader().scan(file, Uploads.options("latin1.csv"), errors);

        assertThat(errors.listed()).containsExactly(
                new DatasetIssue("3", "line 3 is not valid UTF-8; save the file as UTF-8"));
    }

    @Test
    void reportsUnclosedQuotesAtTheRecordStart() throws IOException {
        scan("x,label\n1,a\n2,\"b\n3,c\n");

        assertThat(errors.listed()).singleElement().satisfies(issue -> {
            assertThat(issue.location()).isEqualTo("3");
            assertThat(issue.message()).startsWith("malformed CSV");
        });
    }
}
