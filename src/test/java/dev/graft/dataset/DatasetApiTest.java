package dev.graft.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

import dev.graft.storage.StorageProperties;
import dev.graft.support.ApiClient;
import dev.graft.support.Fixtures;
import dev.graft.support.GraftServerTest;
import dev.graft.support.Multipart;

@GraftServerTest
class DatasetApiTest {

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    StorageProperties storage;

    ApiClient api;

    @BeforeEach
    void setUp() {
        api = ApiClient.on(port);
    }

    @Test
    void acceptsAnImageFolderZipAndReportsItsStatistics() throws Exception {
        byte[] zip = Fixtures.imageZip(Map.of("cat", 6, "dog", 7, "fish", 5));

        ApiClient.Response response = api.upload("/v1/datasets",
                Multipart.form().field("name", "pets").field("format", "image_folder").file("file", "pets.zip", "application/zip", zip));

        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        JsonNode ds = response.json();
        assertThat(ds.get("id").asString()).startsWith("ds_");
        assertThat(ds.get("object").asString()).isEqualTo("dataset");
        assertThat(ds.get("name").asString()).isEqualTo("pets");
        assertThat(ds.get("status").asString()).isEqualTo("ready");
        assertThat(ds.get("bytes").asLong()).isEqualTo(zip.length);
        assertThat(ds.get("sha256").asString()).isEqualTo(sha256(zip));
        assertThat(ds.get("num_examples").asInt()).isEqualTo(18);
        assertThat(ds.get("labels").toString()).isEqualTo("[\"cat\",\"dog\",\"fish\"]");
        assertThat(ds.get("class_counts").toString()).isEqualTo("{\"cat\":6,\"dog\":7,\"fish\":5}");
        JsonNode image = ds.get("details").get("image");
        assertThat(image.get("min_width").asInt()).isEqualTo(8);
        assertThat(image.get("max_width").asInt()).isEqualTo(12);
        assertThat(image.get("min_height").asInt()).isEqualTo(8);
        assertThat(image.get("max_height").asInt()).isEqualTo(10);
        assertThat(image.get("formats").get("jpeg").asInt()).isEqualTo(2 + 2 + 1);
        assertThat(image.get("formats").get("png").asInt()).isEqualTo(13);
        JsonNode split = ds.get("split");
        assertThat(split.get("validation_fraction").asDouble()).isEqualTo(0.2);
        assertThat(split.get("train_examples").asInt() + split.get("validation_examples").asInt()).isEqualTo(18);
        assertThat(split.get("validation_examples").asInt()).isEqualTo(3); // one of each class

        assertThat(api.get("/v1/datasets/" + ds.get("id").asString()).json()).isEqualTo(ds);
    }

    @Test
    void acceptsACsvDatasetWithAConfigurableLabelColumn() {
        String csv = "a,b,c,species\n" + "1,2,3,x\n".repeat(5) + "4,5,6.5e-1,y\n".repeat(6);

        ApiClient.Response response = api.upload("/v1/datasets", Multipart.form().field("format", "csv")
                .field("label_column", "species").file("file", "iris.csv", "text/csv", csv.getBytes(StandardCharsets.UTF_8)));

        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        JsonNode ds = response.json();
        assertThat(ds.get("name").asString()).isEqualTo("iris.csv");
        assertThat(ds.get("num_examples").asInt()).isEqualTo(11);
        assertThat(ds.get("class_counts").toString()).isEqualTo("{\"x\":5,\"y\":6}");
        assertThat(ds.get("details").get("features").toString()).isEqualTo("[\"a\",\"b\",\"c\"]");
        assertThat(ds.get("details").get("num_features").asInt()).isEqualTo(3);
    }

    @Test
    void acceptsTextAsJsonlAndAsCsv() {
        ApiClient.Response jsonl = api.upload("/v1/datasets", Multipart.form().field("format", "text")
                .file("file", "reviews.jsonl", "application/jsonl", Fixtures.jsonl(new String[] {"neg", "pos"}, 6)));
        assertThat(jsonl.status()).as(jsonl.toString()).isEqualTo(201);
        assertThat(jsonl.json().get("num_examples").asInt()).isEqualTo(12);
        assertThat(jsonl.json().get("details").get("text_format").asString()).isEqualTo("jsonl");

        String csv = "text,label\n" + "\"great, really\",pos\n".repeat(5) + "awful,neg\n".repeat(5);
        ApiClient.Response fromCsv = api.upload("/v1/datasets", Multipart.form().field("format", "text")
                .file("file", "reviews.csv", "text/csv", csv.getBytes(StandardCharsets.UTF_8)));
        assertThat(fromCsv.status()).as(fromCsv.toString()).isEqualTo(201);
        JsonNode length = fromCsv.json().get("details").get("text_length");
        assertThat(length.get("min").asInt()).isEqualTo(5);
        assertThat(length.get("max").asInt()).isEqualTo(13);
        assertThat(fromCsv.json().get("details").get("text_format").asString()).isEqualTo("csv");
    }

    @Test
    void namesEveryBadCsvCellByLineAndColumnAndStoresNothing() throws IOException {
        String csv = "x1,x2,label\n1,2,a\n1,oops,a\n1,2\n1,2,\n" + "1,2,a\n".repeat(5) + "1,2,b\n".repeat(5);
        Snapshot before = snapshot();

        ApiClient.Response response = api.upload("/v1/datasets", Multipart.form().field("format", "csv")
                .file("file", "bad.csv", "text/csv", csv.getBytes(StandardCharsets.UTF_8)));

        assertThat(response.status()).isEqualTo(422);
        assertThat(response.contentType()).startsWith("application/problem+json");
        JsonNode problem = response.json();
        assertThat(problem.get("type").asString()).isEqualTo("/problems/invalid-dataset");
        assertThat(locations(problem)).containsExactly("3:x2", "4", "5:label");
        assertThat(problem.get("error_count").asInt()).isEqualTo(3);
        assertThat(problem.get("errors").get(0).get("message").asString()).contains("oops");
        assertThat(problem.get("detail").asString()).contains("3:x2");
        assertThat(problem.get("request_id").asString()).isEqualTo(response.header("X-Request-Id"));
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void rejectsTooFewClassesAndTooSmallClasses() {
        ApiClient.Response oneClass = api.upload("/v1/datasets", Multipart.form().field("format", "csv")
                .file("file", "one.csv", "text/csv", Fixtures.csv(new String[] {"only"}, 10)));
        assertThat(oneClass.status()).isEqualTo(422);
        assertThat(locations(oneClass.json())).containsExactly("file");

        ApiClient.Response small = api.upload("/v1/datasets", Multipart.form().field("format", "image_folder")
                .file("file", "few.zip", "application/zip", Fixtures.imageZip(Map.of("cat", 6, "dog", 2))));
        assertThat(small.status()).isEqualTo(422);
        assertThat(locations(small.json())).containsExactly("dog/");
        assertThat(small.json().get("errors").get(0).get("message").asString()).contains("2").contains("5");
    }

    @Test
    void rejectsZipSlipAndStoresNothing() throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("cat/a.png", Fixtures.png(4, 4, 1));
        entries.put("../../evil.png", Fixtures.png(4, 4, 2));
        Snapshot before = snapshot();

        ApiClient.Response response = api.upload("/v1/datasets", Multipart.form().field("format", "image_folder")
                .file("file", "slip.zip", "application/zip", Fixtures.zip(entries)));

        assertThat(response.status()).isEqualTo(422);
        assertThat(locations(response.json())).contains("../../evil.png");
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void rejectsAZipBombAndStoresNothing() throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("cat/a.png", Fixtures.png(4, 4, 1));
        entries.put("cat/bomb.png", new byte[30 * 1024 * 1024]); // zeros: ~30 KB deflated, ratio ~1000
        Snapshot before = snapshot();

        ApiClient.Response response = api.upload("/v1/datasets", Multipart.form().field("format", "image_folder")
                .file("file", "bomb.zip", "application/zip", Fixtures.zip(entries)));

        assertThat(response.status()).isEqualTo(422);
        assertThat(locations(response.json())).containsExactly("cat/bomb.png");
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void rejectsEmptyFilesAndUnknownFormatsNamingTheField() {
        ApiClient.Response empty = api.upload("/v1/datasets", Multipart.form().field("format", "csv")
                .file("file", "empty.csv", "text/csv", new byte[0]));
        assertThat(empty.status()).isEqualTo(422);
        assertThat(locations(empty.json())).containsExactly("file");

        ApiClient.Response format = api.unchecked().upload("/v1/datasets", Multipart.form().field("format", "parquet")
                .file("file", "x.csv", "text/csv", Fixtures.csv(new String[] {"a", "b"}, 5)));
        assertThat(format.status()).isEqualTo(422);
        assertThat(locations(format.json())).containsExactly("format");

        ApiClient.Response notZip = api.upload("/v1/datasets", Multipart.form().field("format", "image_folder")
                .file("file", "x.zip", "application/zip", "not a zip at all".getBytes(StandardCharsets.UTF_8)));
        assertThat(notZip.status()).isEqualTo(422);
        assertThat(locations(notZip.json())).containsExactly("file");

        ApiClient.Response fraction = api.unchecked().upload("/v1/datasets", Multipart.form().field("format", "csv")
                .field("validation_fraction", "1.5").file("file", "x.csv", "text/csv", Fixtures.csv(new String[] {"a", "b"}, 5)));
        assertThat(fraction.status()).isEqualTo(422);
        assertThat(locations(fraction.json())).containsExactly("validation_fraction");

        ApiClient.Response noFile = api.unchecked().upload("/v1/datasets", Multipart.form().field("format", "csv"));
        assertThat(noFile.status()).isEqualTo(400);
        assertThat(locations(noFile.json())).containsExactly("file");
    }

    @Test
    void pagesThroughDatasetsNewestFirst() {
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(0, api.upload("/v1/datasets", Multipart.form().field("format", "csv").field("name", "page-" + i)
                    .file("file", "p.csv", "text/csv", Fixtures.csv(new String[] {"a", "b"}, 5))).json().get("id").asString());
        }
        List<String> seen = new ArrayList<>();
        String after = null;
        for (int page = 0; page < 3; page++) {
            JsonNode list = api.get("/v1/datasets?limit=2" + (after == null ? "" : "&after=" + after)).json();
            assertThat(list.get("object").asString()).isEqualTo("list");
            list.get("data").forEach(d -> seen.add(d.get("id").asString()));
            assertThat(list.get("first_id").asString()).isEqualTo(list.get("data").get(0).get("id").asString());
            after = list.get("last_id").asString();
            assertThat(list.get("has_more").asBoolean()).isTrue();
        }
        assertThat(seen.subList(0, 5)).isEqualTo(created);

        assertThat(api.unchecked().get("/v1/datasets?limit=0").status()).isEqualTo(400);
        assertThat(api.unchecked().get("/v1/datasets?limit=101").status()).isEqualTo(400);
        ApiClient.Response badCursor = api.get("/v1/datasets?after=ds_doesnotexist");
        assertThat(badCursor.status()).isEqualTo(400);
        assertThat(locations(badCursor.json())).containsExactly("after");
    }

    @Test
    void deleteRemovesTheRowAndTheFiles() throws IOException {
        String id = api.upload("/v1/datasets", Multipart.form().field("format", "text")
                .file("file", "t.jsonl", "application/jsonl", Fixtures.jsonl(new String[] {"a", "b"}, 5))).json().get("id").asString();
        Path dir = storage.root().resolve("datasets").resolve(id);
        assertThat(dir.resolve("data.jsonl")).exists();
        assertThat(dir.resolve("split.json")).exists();

        ApiClient.Response deleted = api.delete("/v1/datasets/" + id);

        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.json().get("deleted").asBoolean()).isTrue();
        assertThat(dir).doesNotExist();
        assertThat(jdbc.queryForObject("select count(*) from datasets where id = ?", Integer.class, id)).isZero();
        assertThat(api.get("/v1/datasets/" + id).status()).isEqualTo(404);
        assertThat(api.delete("/v1/datasets/" + id).status()).isEqualTo(404);
    }

    @Test
    void splitIsStratifiedAndListsEveryExampleOnce() {
        JsonNode ds = api.upload("/v1/datasets", Multipart.form().field("format", "csv").field("validation_fraction", "0.25")
                .field("seed", "7").file("file", "s.csv", "text/csv", Fixtures.csv(new String[] {"a", "b", "c"}, 20))).json();

        JsonNode split = api.get("/v1/datasets/" + ds.get("id").asString() + "/split").json();

        List<String> all = new ArrayList<>();
        Map<String, Integer> validationPerClass = new LinkedHashMap<>();
        split.get("train").forEach(e -> all.add(e.get("location").asString()));
        split.get("validation").forEach(e -> {
            all.add(e.get("location").asString());
            validationPerClass.merge(e.get("label").asString(), 1, Integer::sum);
        });
        assertThat(all).hasSize(60).doesNotHaveDuplicates();
        assertThat(validationPerClass).containsExactlyInAnyOrderEntriesOf(Map.of("a", 5, "b", 5, "c", 5));
        assertThat(split.get("seed").asLong()).isEqualTo(7);
        assertThat(ds.get("split").get("validation_examples").asInt()).isEqualTo(15);
    }

    @Test
    void answersProblemsForUnknownIdsMethodsAndMediaTypes() {
        ApiClient.Response missing = api.get("/v1/datasets/ds_nothere");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().get("type").asString()).isEqualTo("/problems/not-found");
        assertThat(missing.json().get("detail").asString()).contains("ds_nothere");

        ApiClient.Response method = api.outsideContract().send("PUT", "/v1/datasets/ds_x", "application/json", "{}".getBytes(), null);
        assertThat(method.status()).isEqualTo(405);
        assertThat(method.json().get("type").asString()).isEqualTo("/problems/method-not-allowed");

        ApiClient.Response media = api.unchecked().post("/v1/datasets", "application/json", "{\"format\":\"csv\"}".getBytes());
        assertThat(media.status()).isEqualTo(415);
        assertThat(media.json().get("type").asString()).isEqualTo("/problems/unsupported-media-type");

        ApiClient.Response noRoute = api.outsideContract().get("/v1/nothing-here");
        assertThat(noRoute.status()).isEqualTo(404);
        assertThat(noRoute.contentType()).startsWith("application/problem+json");
    }

    static List<String> locations(JsonNode problem) {
        List<String> locations = new ArrayList<>();
        problem.get("errors").forEach(e -> locations.add(e.get("location").asString()));
        return locations;
    }

    record Snapshot(int rows, List<String> files) {
    }

    /** Rows and files (staging included): what "nothing stored" is checked against. */
    Snapshot snapshot() throws IOException {
        try (Stream<Path> files = Files.walk(storage.root())) {
            return new Snapshot(jdbc.queryForObject("select count(*) from datasets", Integer.class),
                    files.filter(Files::isRegularFile).map(p -> storage.root().relativize(p).toString()).sorted().toList());
        }
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
