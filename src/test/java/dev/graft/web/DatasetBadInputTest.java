package dev.graft.web;

import static dev.graft.support.BadInput.Call.delete;
import static dev.graft.support.BadInput.Call.get;
import static dev.graft.support.BadInput.Call.json;
import static dev.graft.support.BadInput.Call.post;
import static dev.graft.support.BadInput.Call.upload;
import static dev.graft.support.BadInput.bad;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

import dev.graft.storage.StorageProperties;
import dev.graft.support.ApiClient;
import dev.graft.support.BadInput;
import dev.graft.support.Bombs;
import dev.graft.support.Fixtures;
import dev.graft.support.GraftServerTest;
import dev.graft.support.HostileFiles;
import dev.graft.support.Multipart;
import dev.graft.support.StoredState;
import dev.graft.support.TestDatabase;

/**
 * Every way of getting the datasets API wrong that we could think of: each is a 4xx problem that
 * names the fault, and none leaves a row or a file behind (a rejected upload's staged copy included).
 */
@GraftServerTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
// Small enough that an oversize upload (or a bomb past a limit) is cheap to send; every other upload here fits.
@TestPropertySource(properties = {"graft.datasets.max-upload-size=256KB", "graft.datasets.archive.max-entries=1000",
        "graft.datasets.max-line-size=4KB", "graft.datasets.max-rows=100", "graft.datasets.max-classes=5",
        "graft.datasets.max-label-length=20"})
class DatasetBadInputTest {

    private static final String CSV = "x1,x2,label\n";

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    StorageProperties storage;

    ApiClient api;
    String dataset;
    String job;

    @BeforeAll
    void aDatasetThatAQueuedJobNeeds() {
        TestDatabase.cancelLeftoverJobs(jdbc);
        api = ApiClient.on(port);
        dataset = api.upload("/v1/datasets", Multipart.form().field("format", "csv")
                .file("file", "ok.csv", "text/csv", Fixtures.csv(new String[] {"a", "b"}, 10))).json().get("id").asString();
        ApiClient.Response created = api.post("/v1/fine_tuning/jobs", "application/json",
                ("{\"base_model\": \"arch-mlp\", \"dataset\": \"" + dataset + "\"}").getBytes(StandardCharsets.UTF_8));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        job = created.json().get("id").asString();
    }

    @AfterAll
    void cancelTheJob() {
        api.post("/v1/fine_tuning/jobs/" + job + "/cancel", null, null);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isRefusedWithAProblemNamingTheFaultAndStoresNothing(BadInput input) {
        input.assertRefusedBy(api, () -> StoredState.read(jdbc, storage.root()));
    }

    /** The check's own check: a snapshot blind to a stored upload would let every case above pass. */
    @Test
    void theStoredStateSeesAnAcceptedUploadAndItsDeletion() {
        StoredState before = StoredState.read(jdbc, storage.root());

        String id = api.upload("/v1/datasets", Multipart.form().field("format", "csv")
                .file("file", "good.csv", "text/csv", Fixtures.csv(new String[] {"a", "b"}, 5))).json().get("id").asString();

        StoredState stored = StoredState.read(jdbc, storage.root());
        assertThat(stored.rows().get("datasets")).endsWith(id);
        assertThat(stored.files()).anyMatch(f -> f.startsWith("datasets/" + id + "/data.csv "));
        assertThat(api.delete("/v1/datasets/" + id).status()).isEqualTo(200);
        assertThat(StoredState.read(jdbc, storage.root())).isEqualTo(before);
    }

    Stream<BadInput> cases() {
        byte[] goodCsv = Fixtures.csv(new String[] {"a", "b"}, 5);
        String rows = "1,2,a\n".repeat(5) + "3,4,b\n".repeat(5);
        String jsonl = new String(Fixtures.jsonl(new String[] {"neg", "pos"}, 5), StandardCharsets.UTF_8);
        return Stream.of(
                // The form itself
                bad("JSON body instead of a multipart form", json("/v1/datasets", "{\"format\": \"csv\"}"), 415, "application/json"),
                bad("form without a file part", upload("/v1/datasets", Multipart.form().field("format", "csv")), 400, "file: is required"),
                bad("file sent as a plain text field", upload("/v1/datasets", Multipart.form().field("format", "csv")
                        .field("file", "x1,x2,label")), 400, "file: is required"),
                bad("multipart body cut off before its closing boundary", truncated(Multipart.form().field("format", "csv")
                        .file("file", "a.csv", "text/csv", goodCsv)), 400, "not a valid multipart"),
                bad("multipart content type without a boundary", post("/v1/datasets", "multipart/form-data",
                        Multipart.form().field("format", "csv").bytes()), 400, "no multipart boundary"),
                bad("missing format", form(null, "a.csv", goodCsv), 422, "format: is required"),
                bad("unknown format", form("parquet", "a.csv", goodCsv), 422, "parquet"),
                bad("validation fraction of zero", form("csv", "a.csv", goodCsv, "validation_fraction", "0"), 422, "was 0.0"),
                bad("validation fraction of one", form("csv", "a.csv", goodCsv, "validation_fraction", "1"), 422, "was 1.0"),
                bad("validation fraction of NaN", form("csv", "a.csv", goodCsv, "validation_fraction", "NaN"), 422, "was NaN"),
                bad("validation fraction that is not a number", form("csv", "a.csv", goodCsv, "validation_fraction", "a fifth"), 400,
                        "validation_fraction: has an invalid value"),
                bad("fractional seed", form("csv", "a.csv", goodCsv, "seed", "1.5"), 400, "seed: has an invalid value '1.5'"),
                bad("seed beyond 64 bits", form("csv", "a.csv", goodCsv, "seed", "99999999999999999999"), 400, "99999999999999999999"),
                bad("name longer than 256 characters", form("csv", "a.csv", goodCsv, "name", "n".repeat(257)), 422, "name: must be at most 256"),
                bad("name with a control character", form("csv", "a.csv", goodCsv, "name", "bell\u0007"), 422, "without control characters"),
                bad("blank label column", form("csv", "a.csv", goodCsv, "label_column", " "), 422, "label_column: must not be blank"),
                bad("text column on a csv dataset", form("csv", "a.csv", goodCsv, "text_column", "text"), 422, "text_column: applies only to the text format"),
                bad("label column on an image folder", form("image_folder", "a.zip", HostileFiles.imageFolderWith("cat/5.png",
                        Fixtures.png(8, 8, 5)), "label_column", "label"), 422, "label_column: does not apply"),
                bad("empty file", form("csv", "a.csv", new byte[0]), 422, "uploaded file is empty"),
                bad("file over the upload limit", form("csv", "big.csv", new byte[300 * 1024]), 413, "262144 bytes"),
                // csv
                bad("csv row with too few fields", form("csv", "a.csv", text(CSV + "1,2,a\n1,2\n" + rows)), 422, "3: row has 2 fields"),
                bad("csv row with too many fields", form("csv", "a.csv", text(CSV + rows + "1,2,3,a\n")), 422, "12: row has 4 fields"),
                bad("csv feature that is not a number", form("csv", "a.csv", text(CSV + "1,oops,a\n" + rows)), 422, "2:x2"),
                bad("csv feature of NaN", form("csv", "a.csv", text(CSV + rows + "NaN,1,b\n")), 422, "12:x1"),
                bad("csv feature beyond a double", form("csv", "a.csv", text(CSV + "1e999,1,a\n" + rows)), 422, "1e999"),
                bad("csv with an unclosed quote", form("csv", "a.csv", text(CSV + rows + "\"1,2,b\n")), 422, "malformed CSV"),
                bad("csv without the named label column", form("csv", "a.csv", goodCsv, "label_column", "species"), 422, "species"),
                bad("csv header with a duplicate column", form("csv", "a.csv", text("x,x,label\n" + rows)), 422, "duplicate column"),
                bad("csv with invalid UTF-8 on line 4", form("csv", "a.csv", HostileFiles.withInvalidUtf8OnLine(CSV + rows, 4)), 422,
                        "line 4 is not valid UTF-8"),
                bad("csv with a single class", form("csv", "a.csv", Fixtures.csv(new String[] {"only"}, 10)), 422, "only 1 class: only"),
                bad("csv with more rows than graft.datasets.max-rows", form("csv", "a.csv", text(CSV + rows.repeat(11))), 422,
                        "102: more than 100 rows"),
                bad("csv with more classes than graft.datasets.max-classes", form("csv", "a.csv", text(CSV
                        + "1,2,a\n1,2,b\n1,2,c\n1,2,d\n1,2,e\n1,2,f\n")), 422, "7:label: label \"f\" would be class 6"),
                bad("csv label longer than graft.datasets.max-label-length", form("csv", "a.csv", text(CSV + rows
                        + "1,2," + "l".repeat(21) + "\n")), 422, "12:label: label of 21 characters"),
                bad("csv record whose quoted field runs past graft.datasets.max-line-size", form("text", "t.csv", text(
                        "text,label\n\"" + "a line in a quote\n".repeat(2000) + "\",neg\n" + "a,neg\n".repeat(5)
                        + "b,pos\n".repeat(5))), 422, "2: record is longer than 4096 bytes"),
                bad("csv class with too few examples", form("csv", "a.csv", text(CSV + "1,2,a\n".repeat(5) + "3,4,b\n".repeat(2))),
                        422, "class b has 2 examples"),
                // text
                bad("jsonl with invalid UTF-8 on line 3", form("text", "t.jsonl", HostileFiles.withInvalidUtf8OnLine(jsonl, 3)), 422,
                        "line 3 is not valid UTF-8"),
                bad("jsonl line that is not JSON", form("text", "t.jsonl", text("{\"text\": \"hi\", \"label\": \n" + jsonl)), 422,
                        "1: invalid JSON"),
                bad("jsonl line that is an array", form("text", "t.jsonl", text(jsonl + "[\"hi\", \"neg\"]\n")), 422, "11: expected a JSON object"),
                bad("jsonl line longer than graft.datasets.max-line-size", form("text", "t.jsonl", text(jsonl
                        + "{\"text\": \"" + "x".repeat(5000) + "\", \"label\": \"pos\"}\n")), 422, "11: line 11 is longer than 4096 bytes"),
                bad("jsonl label longer than graft.datasets.max-label-length", form("text", "t.jsonl", text(jsonl
                        + "{\"text\": \"hi\", \"label\": " + "9".repeat(25) + "}\n")), 422, "11:label: label of 25 characters"),
                bad("jsonl line without a label", form("text", "t.jsonl", text("{\"text\": \"hi\"}\n" + jsonl)), 422, "missing field \"label\""),
                bad("jsonl text that is a number", form("text", "t.jsonl", text("{\"text\": 7, \"label\": \"neg\"}\n" + jsonl)), 422, "1:text"),
                bad("text csv with a ragged row", form("text", "t.csv", text("text,label\nhello,pos,extra\n" + "a,neg\n".repeat(5)
                        + "b,pos\n".repeat(5))), 422, "2: row has 3 fields"),
                bad("text csv without the named text column", form("text", "t.csv", text("text,label\n" + "a,neg\n".repeat(5)
                        + "b,pos\n".repeat(5)), "text_column", "body"), 422, "body"),
                // image_folder
                bad("image folder that is not a zip", form("image_folder", "a.zip", text("PK but not really")), 422, "not a readable ZIP"),
                bad("zip slip through a .. entry", form("image_folder", "a.zip", HostileFiles.imageFolderWith("../evil.png",
                        Fixtures.png(4, 4, 1))), 422, "../evil.png"),
                bad("zip slip through an absolute entry", form("image_folder", "a.zip", HostileFiles.fixture("zip-slip-absolute.zip")),
                        422, "/tmp/evil.png"),
                bad("zip slip through backslashes", form("image_folder", "a.zip", HostileFiles.fixture("zip-slip-backslash.zip")), 422,
                        "cat\\..\\..\\evil.png"),
                bad("central-directory bomb: 4000 records for one 5-byte entry", form("image_folder", "a.zip",
                        Bombs.centralDirectoryBomb(4000, Bombs.End.ZIP64)), 422, "central directory declares 4000 entries"),
                bad("central-directory bomb whose end record claims one entry", form("image_folder", "a.zip",
                        Bombs.centralDirectoryBomb(4000, Bombs.End.LYING)), 422, "central directory holds more than 1000 entries"),
                bad("image folders for more classes than graft.datasets.max-classes", form("image_folder", "a.zip",
                        classFolders(6)), 422, "f/0.png: label \"f\" would be class 6"),
                bad("zip bomb beyond the inflate ratio", form("image_folder", "a.zip", HostileFiles.imageFolderWith("dog/bomb.png",
                        HostileFiles.zeros())), 422, "dog/bomb.png"),
                bad("zip bomb whose headers lie about its size", form("image_folder", "a.zip", HostileFiles.fixture("lying-size-bomb.zip")),
                        422, "cat/bomb.png"),
                bad("image whose header declares 10^10 pixels", form("image_folder", "a.zip", HostileFiles.imageFolderWith("cat/huge.png",
                        HostileFiles.pngBomb())), 422, "cat/huge.png"),
                bad("truncated png", form("image_folder", "a.zip", HostileFiles.imageFolderWith("cat/cut.png",
                        HostileFiles.truncatedPng())), 422, "cat/cut.png"),
                bad("png signature followed by garbage", form("image_folder", "a.zip", HostileFiles.imageFolderWith("dog/noise.png",
                        HostileFiles.pngSignatureThenGarbage())), 422, "dog/noise.png"),
                bad("text file named .png", form("image_folder", "a.zip", HostileFiles.imageFolderWith("cat/notes.png",
                        text("not an image"))), 422, "cat/notes.png"),
                bad("image at the top level of the archive", form("image_folder", "a.zip", HostileFiles.imageFolderWith("stray.png",
                        Fixtures.png(8, 8, 3))), 422, "stray.png"),
                bad("archive with folders but no images", form("image_folder", "a.zip", Fixtures.zip(Map.of("cat/", new byte[0],
                        "dog/", new byte[0]))), 422, "no images"),
                // reads and deletes
                bad("list with a limit of -1", get("/v1/datasets?limit=-1"), 400, "was -1"),
                bad("list with a limit of 0", get("/v1/datasets?limit=0"), 400, "was 0"),
                bad("list with a limit of 101", get("/v1/datasets?limit=101"), 400, "between 1 and 100"),
                bad("list with a limit that is not a number", get("/v1/datasets?limit=abc"), 400, "limit: has an invalid value 'abc'"),
                bad("list with a limit beyond an int", get("/v1/datasets?limit=99999999999"), 400, "'99999999999'"),
                bad("list after an unknown dataset", get("/v1/datasets?after=ds_gone"), 400, "ds_gone"),
                bad("unknown dataset", get("/v1/datasets/ds_nothere"), 404, "ds_nothere"),
                bad("split of an unknown dataset", get("/v1/datasets/ds_nothere/split"), 404, "ds_nothere"),
                bad("delete of an unknown dataset", delete("/v1/datasets/ds_nothere"), 404, "ds_nothere"),
                bad("delete of a dataset a queued job needs", delete("/v1/datasets/" + dataset), 409, dataset + " is in use"),
                bad("PUT on a dataset", json("/v1/datasets/" + dataset, "{\"name\": \"renamed\"}").method("PUT"), 405, "'PUT' is not supported"));
    }

    /** An upload of {@code content} with the given format (none if null) and extra name, value fields. */
    private static BadInput.Call form(String format, String filename, byte[] content, String... fields) {
        Multipart form = Multipart.form();
        if (format != null) {
            form.field("format", format);
        }
        for (int i = 0; i < fields.length; i += 2) {
            form.field(fields[i], fields[i + 1]);
        }
        return upload("/v1/datasets", form.file("file", filename, "application/octet-stream", content));
    }

    /** Folders a, b, c, ... of five 8x8 PNGs each. */
    private static byte[] classFolders(int classes) {
        Map<String, byte[]> entries = new java.util.LinkedHashMap<>();
        for (int c = 0; c < classes; c++) {
            for (int i = 0; i < 5; i++) {
                entries.put((char) ('a' + c) + "/" + i + ".png", Fixtures.png(8, 8, c * 10 + i));
            }
        }
        return Fixtures.zip(entries);
    }

    private static BadInput.Call truncated(Multipart form) {
        byte[] body = form.bytes();
        return post("/v1/datasets", form.contentType(), Arrays.copyOf(body, body.length - 40));
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
