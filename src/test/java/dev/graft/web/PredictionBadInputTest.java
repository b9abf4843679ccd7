package dev.graft.web;

import static dev.graft.support.BadInput.Call.json;
import static dev.graft.support.BadInput.Call.post;
import static dev.graft.support.BadInput.Call.upload;
import static dev.graft.support.BadInput.bad;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

import dev.graft.model.ModelRegistry;
import dev.graft.storage.ArtifactStore;
import dev.graft.storage.StorageProperties;
import dev.graft.support.ApiClient;
import dev.graft.support.BadInput;
import dev.graft.support.Fixtures;
import dev.graft.support.GraftServerTest;
import dev.graft.support.HostileFiles;
import dev.graft.support.Multipart;
import dev.graft.support.StoredState;
import dev.graft.support.TestDatabase;
import dev.graft.support.TrainedModels;

/**
 * Bad predict requests, JSON and multipart, on a tabular, an image and a text model: each is a
 * 4xx problem naming the parameter or the instance ({@code /instances/<i>}) at fault.
 */
@GraftServerTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
// Low enough that a body, a file or a pixel budget over its limit is cheap to send; every other request here fits.
@TestPropertySource(properties = {"graft.inference.max-request-size=256KB", "graft.inference.max-file-size=64KB",
        "graft.inference.max-request-pixels=20000"})
class PredictionBadInputTest {

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    ModelRegistry registry;
    @Autowired
    ArtifactStore store;
    @Autowired
    StorageProperties storage;

    ApiClient api;
    String tabular;
    String image;
    String text;

    @BeforeAll
    void trainModels() {
        TestDatabase.cancelLeftoverJobs(jdbc);
        api = ApiClient.on(port);
        TrainedModels models = new TrainedModels(jdbc, registry, store);
        tabular = models.tabular("bad");
        image = models.image("bad");
        text = models.text("bad");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isRefusedWithAProblemNamingTheFault(BadInput input) {
        input.assertRefusedBy(api, () -> StoredState.read(jdbc, storage.root()));
    }

    Stream<BadInput> cases() {
        String ok = "{\"instances\": [[0.0, 0.0]]}";
        byte[] png = Fixtures.png(8, 8, 1);
        return Stream.of(
                // The request
                bad("unterminated JSON", predict(tabular, "", "{\"instances\": [[0.0,"), 400, "not valid JSON"),
                bad("JSON with invalid UTF-8", post(path(tabular, ""), "application/json",
                        HostileFiles.withInvalidUtf8OnLine("{\"instances\": [\"ab\"]}", 1)), 400, "UTF-8"),
                bad("text/plain body", post(path(tabular, ""), "text/plain", ok.getBytes(StandardCharsets.UTF_8)), 415, "text/plain"),
                bad("XML body", post(path(tabular, ""), "application/xml", "<instances/>".getBytes(StandardCharsets.UTF_8)), 415,
                        "application/xml"),
                bad("body that is a bare array", predict(tabular, "", "[[0.0, 0.0]]"), 400, "/instances: is required"),
                bad("TF Serving's inputs instead of instances", predict(tabular, "", "{\"inputs\": [[0.0, 0.0]]}"), 400, "/instances: is required"),
                bad("instances that are an object", predict(tabular, "", "{\"instances\": {\"x\": [0.0, 0.0]}}"), 400, "/instances: is required"),
                bad("no instances", predict(tabular, "", "{\"instances\": []}"), 422, "/instances: is empty"),
                bad("65 instances, one over the cap", predict(tabular, "", "{\"instances\": [" + "[0.0, 0.0],".repeat(64)
                        + "[0.0, 0.0]]}"), 422, "65 instances"),
                bad("top_k of 0", predict(tabular, "?top_k=0", ok), 400, "top_k: must be at least 1, was 0"),
                bad("negative top_k", predict(tabular, "?top_k=-2", ok), 400, "was -2"),
                bad("top_k that is not a number", predict(tabular, "?top_k=all", ok), 400, "top_k: has an invalid value 'all'"),
                bad("top_k beyond an int", predict(tabular, "?top_k=99999999999", ok), 400, "'99999999999'"),
                bad("unknown model", predict("ft:arch-mlp:x:gone0000", "", ok), 404, "ft:arch-mlp:x:gone0000"),
                bad("base model, which has no trained head", predict("arch-mlp", "", ok), 409, "arch-mlp is a base model"),
                // Tabular instances
                bad("row with one feature too few", predict(tabular, "", "{\"instances\": [[0.0, 0.0], [1.0]]}"), 422, "/instances/1"),
                bad("row with a string feature", predict(tabular, "", "{\"instances\": [[0.0, \"x\"]]}"), 422, "/instances/0/1"),
                bad("row with a null feature", predict(tabular, "", "{\"instances\": [[null, 0.0]]}"), 422, "/instances/0/0"),
                bad("row with a feature beyond a float", predict(tabular, "", "{\"instances\": [[1e39, 0.0]]}"), 422, "/instances/0/0"),
                bad("row with an integer beyond 64 bits", predict(tabular, "", "{\"instances\": [[0.0, 1" + "0".repeat(40) + "]]}"),
                        422, "/instances/0/1"),
                bad("text instance on a tabular model", predict(tabular, "", "{\"instances\": [\"0.0, 0.0\"]}"), 422, "/instances/0"),
                // Text instances
                bad("number on a text model", predict(text, "", "{\"instances\": [\"warm sun\", 42]}"), 422, "/instances/1"),
                bad("blank text", predict(text, "", "{\"instances\": [\"   \"]}"), 422, "/instances/0: is empty"),
                // Image instances, as base64
                bad("image instance that is a bare string", predict(image, "", "{\"instances\": [\"" + b64(png) + "\"]}"), 422,
                        "/instances/0"),
                bad("image instance with an extra field", predict(image, "", "{\"instances\": [{\"b64\": \"" + b64(png)
                        + "\", \"mime\": \"image/png\"}]}"), 422, "/instances/0"),
                bad("invalid base64", predict(image, "", "{\"instances\": [{\"b64\": \"@@not base64@@\"}]}"), 422, "/instances/0/b64"),
                bad("base64 of text", predict(image, "", b64Instances(png, "hello".getBytes(StandardCharsets.UTF_8))), 422,
                        "/instances/1/b64"),
                bad("base64 of a GIF", predict(image, "", b64Instances(HostileFiles.gif())), 422, "/instances/0/b64: is a gif image"),
                bad("base64 of a PNG whose header declares 10^10 pixels", predict(image, "", b64Instances(png, png,
                        HostileFiles.pngBomb())), 422, "/instances/2/b64"),
                bad("base64 of a truncated PNG", predict(image, "", b64Instances(HostileFiles.truncatedPng())), 422, "/instances/0/b64"),
                // Image instances, as files
                bad("form without a file part", upload(path(image, ""), Multipart.form().field("image", b64(png))), 400, "file: is required"),
                bad("empty file", files(image, new byte[0]), 422, "/instances/0: is empty"),
                bad("file that is not an image", files(image, png, "not an image".getBytes(StandardCharsets.UTF_8)), 422, "/instances/1"),
                bad("file of a PNG whose header declares 10^10 pixels", files(image, HostileFiles.pngBomb()), 422, "/instances/0: has 10000000000 pixels"),
                bad("file of a PNG signature then garbage", files(image, HostileFiles.pngSignatureThenGarbage()), 422, "/instances/0"),
                bad("file on a tabular model", files(tabular, png), 422, "this is a tabular model"),
                bad("file on a base model", files("arch-cnn-small", png), 409, "arch-cnn-small is a base model"),
                bad("65 files, one over the instance cap", files(image, nCopies(65, png)), 422, "65 instances"),
                bad("129 files, more parts than Tomcat takes", files(image, nCopies(129, png)), 413, "more than 128 parts"),
                bad("top_k of 0 with a file", upload(path(image, "?top_k=0"), Multipart.form().file("file", "a.png", "image/png", png)),
                        400, "top_k"),
                bad("multipart body cut off", truncated(image, Multipart.form().file("file", "a.png", "image/png", png)), 400,
                        "not a valid multipart"),
                // Bounds: the body is read only after the rate and the model were checked, and within limits
                bad("unknown model with a body that is not JSON", predict("ft:arch-mlp:x:gone0000", "", "{\"instances\": [[0.0,"),
                        404, "ft:arch-mlp:x:gone0000"),
                bad("unknown model with a multipart body cut off", truncated("ft:arch-mlp:x:gone0000",
                        Multipart.form().file("file", "a.png", "image/png", png)), 404, "ft:arch-mlp:x:gone0000"),
                bad("base model with a file over graft.inference.max-file-size", files("arch-cnn-small", new byte[100 * 1024]),
                        409, "arch-cnn-small is a base model"),
                bad("unknown model with files over graft.inference.max-request-size", files("ft:arch-mlp:x:gone0000",
                        nCopies(5, new byte[60 * 1024])), 404, "ft:arch-mlp:x:gone0000"),
                bad("JSON body over graft.inference.max-request-size", predict(text, "", "{\"instances\": [\""
                        + "word ".repeat(60_000) + "\"]}"), 413, "graft.inference.max-request-size"),
                bad("file over graft.inference.max-file-size", files(image, png, new byte[100 * 1024]), 413,
                        "/instances/1: is 102400 bytes"),
                bad("files over graft.inference.max-request-size together", files(image, nCopies(5, new byte[60 * 1024])), 413,
                        "graft.inference.max-request-size"),
                bad("files whose headers declare more pixels together than graft.inference.max-request-pixels", files(image,
                        Fixtures.png(100, 100, 1), Fixtures.png(100, 100, 2), Fixtures.png(10, 10, 3)), 422,
                        "/instances: the images have 20100 pixels together"),
                bad("base64 images whose headers declare more pixels together than graft.inference.max-request-pixels",
                        predict(image, "", b64Instances(Fixtures.png(150, 150, 4))), 422, "/instances: the images have 22500 pixels"));
    }

    /** A chunked body declares no length: the limit must hold while it is read. */
    @Test
    void refusesAChunkedJsonBodyOnceItPassesTheLimit() throws Exception {
        byte[] body = ("{\"instances\": [\"" + "word ".repeat(100_000) + "\"]}").getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path(text, "")))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build();

        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(response.body()).contains("larger than the limit of 262144 bytes (graft.inference.max-request-size)");
    }

    private static String path(String model, String query) {
        return "/v1/models/" + model + ":predict" + query;
    }

    private static BadInput.Call predict(String model, String query, String body) {
        return json(path(model, query), body);
    }

    private static BadInput.Call files(String model, byte[]... images) {
        Multipart form = Multipart.form();
        for (int i = 0; i < images.length; i++) {
            form.file("file", "image" + i + ".png", "image/png", images[i]);
        }
        return upload(path(model, ""), form);
    }

    private static BadInput.Call truncated(String model, Multipart form) {
        byte[] body = form.bytes();
        return post(path(model, ""), form.contentType(), Arrays.copyOf(body, body.length - 40));
    }

    private static String b64Instances(byte[]... images) {
        return "{\"instances\": [" + String.join(", ", Arrays.stream(images).map(i -> "{\"b64\": \"" + b64(i) + "\"}").toList()) + "]}";
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static byte[][] nCopies(int n, byte[] bytes) {
        byte[][] copies = new byte[n][];
        Arrays.fill(copies, bytes);
        return copies;
    }
}
