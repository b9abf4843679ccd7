package dev.graft.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

import dev.graft.basemodel.MnistDigits;
import dev.graft.support.ApiClient;
import dev.graft.support.Fixtures;
import dev.graft.support.GraftServerTest;
import dev.graft.support.Multipart;
import dev.graft.support.TestTenants;

/**
 * {@code POST /v1/models:rank} over real HTTP, on real MNIST digits 5-9: digits the shipped MNIST
 * bases never saw (they were pretrained on 0-4). Each test has a tenant of its own, so the
 * default candidates are the shared catalog plus only what the test imports.
 */
@GraftServerTest
@TestPropertySource(properties = TestTenants.ADMIN_KEY_PROPERTY)
class RankingApiTest {

    private static final Path MNIST = Path.of("src/test/resources/mnist");
    private static final int DIGITS_PER_CLASS = 20;

    @LocalServerPort
    int port;

    TestTenants.Tenant tenant;
    ApiClient api;
    String digits;

    @BeforeEach
    void setUp() throws IOException {
        tenant = TestTenants.create(port, "rank");
        api = tenant.api();
        ApiClient.Response uploaded = api.upload("/v1/datasets", Multipart.form().field("format", "image_folder")
                .field("name", "digits-5-9").file("file", "digits.zip", "application/zip", digitsZip()));
        assertThat(uploaded.status()).as(uploaded.body()).isEqualTo(201);
        digits = uploaded.json().get("id").asString();
    }

    @Test
    void pretrainedMnistBasesRankAboveTheirArchitecturesFromScratchOnDigitsTheyNeverSaw() {
        ApiClient.Response ranked = rank("{\"dataset\": \"" + digits + "\", \"candidates\": [\"arch-cnn-small\", "
                + "\"mnist-cnn-small\", \"arch-resnet20\", \"mnist-resnet20\"]}");

        assertThat(ranked.status()).as(ranked.body()).isEqualTo(200);
        JsonNode body = ranked.json();
        assertThat(body.get("object").asString()).isEqualTo("list");
        assertThat(body.get("dataset").asString()).isEqualTo(digits);
        // The stored split holds out 20%: 16 training digits of each of the 5 classes.
        assertThat(body.get("sample_size").asInt()).isEqualTo(80);
        assertThat(body.get("excluded")).isEmpty();
        Map<String, JsonNode> byModel = byModel(body);
        assertThat(byModel).containsOnlyKeys("arch-cnn-small", "mnist-cnn-small", "arch-resnet20", "mnist-resnet20");
        assertThat(score(byModel, "mnist-cnn-small")).isGreaterThan(score(byModel, "arch-cnn-small"));
        assertThat(score(byModel, "mnist-resnet20")).isGreaterThan(score(byModel, "arch-resnet20"));
        assertThat(byModel.get("mnist-cnn-small").get("pretrained").asBoolean()).isTrue();
        assertThat(byModel.get("arch-cnn-small").get("pretrained").asBoolean()).isFalse();
        JsonNode first = body.get("data").get(0);
        assertThat(first.get("pretrained").asBoolean()).as("the best base is a pretrained one").isTrue();
        List<Double> scores = new ArrayList<>();
        for (int i = 0; i < body.get("data").size(); i++) {
            JsonNode entry = body.get("data").get(i);
            assertThat(entry.get("rank").asInt()).isEqualTo(i + 1);
            assertThat(entry.get("examples").asInt()).isEqualTo(80);
            assertThat(entry.get("embedding_size").asInt()).isEqualTo(64);
            assertThat(entry.get("seconds").asDouble()).isPositive();
            scores.add(-entry.get("score").asDouble());
        }
        assertThat(scores).isSorted();
        // Same request, same sample and random weights: the same scores.
        assertThat(byModel(rank("{\"dataset\": \"" + digits + "\", \"candidates\": [\"arch-cnn-small\"]}").json())
                .get("arch-cnn-small").get("score").asDouble()).isEqualTo(score(byModel, "arch-cnn-small"));
    }

    @Test
    void ranksEveryImageBaseByDefaultAndExcludesImportedTorchScript() throws IOException {
        ApiClient.Response imported = api.upload("/v1/models", Multipart.form()
                .file("file", "tiny-backbone.pt", "application/octet-stream",
                        Files.readAllBytes(Path.of("src/test/resources/torchscript/tiny-backbone.pt")))
                .file("descriptor", "descriptor.json", "application/json", """
                        {"modality": "image", "input_shape": [1, 16, 16], "output": "embeddings", "embedding_size": 16}"""
                        .getBytes(StandardCharsets.UTF_8)));
        assertThat(imported.status()).as(imported.body()).isEqualTo(201);
        String module = imported.json().get("id").asString();

        ApiClient.Response ranked = rank("{\"dataset\": \"" + digits + "\", \"sample_size\": 20, \"seed\": 3}");

        assertThat(ranked.status()).as(ranked.body()).isEqualTo(200);
        JsonNode body = ranked.json();
        assertThat(body.get("sample_size").asInt()).isEqualTo(20);
        assertThat(body.get("seed").asLong()).isEqualTo(3);
        assertThat(byModel(body)).containsOnlyKeys("arch-cnn-small", "arch-resnet20", "arch-resnet18",
                "mnist-cnn-small", "mnist-resnet20", "coco-mobilenetv2");
        assertThat(byModel(body).get("coco-mobilenetv2").get("embedding_size").asInt()).isEqualTo(1280);
        assertThat(body.get("excluded")).hasSize(1);
        assertThat(body.get("excluded").get(0).get("model").asString()).isEqualTo(module);
        assertThat(body.get("excluded").get(0).get("reason").asString()).contains("TorchScript", "API process");
    }

    @Test
    void ranksTablesAndTextsWithTheBasesOfTheirModality() {
        String table = api.upload("/v1/datasets", Multipart.form().field("format", "csv")
                .file("file", "t.csv", "text/csv", Fixtures.csv(new String[] {"a", "b", "c"}, 10))).json().get("id").asString();
        String texts = api.upload("/v1/datasets", Multipart.form().field("format", "text")
                .file("file", "t.jsonl", "application/jsonl", Fixtures.jsonl(new String[] {"cats", "dogs"}, 10)))
                .json().get("id").asString();

        JsonNode tabular = rank("{\"dataset\": \"" + table + "\"}").json();
        JsonNode text = rank("{\"dataset\": \"" + texts + "\"}").json();

        assertThat(byModel(tabular)).containsOnlyKeys("arch-mlp");
        assertThat(byModel(text)).containsOnlyKeys("arch-embedding-bag", "all-minilm-l6-v2", "bge-small-en-v1.5", "e5-small-v2");
        for (String encoder : List.of("all-minilm-l6-v2", "bge-small-en-v1.5", "e5-small-v2")) {
            assertThat(byModel(text).get(encoder).get("embedding_size").asInt()).as(encoder).isEqualTo(384);
            assertThat(byModel(text).get(encoder).get("pretrained").asBoolean()).as(encoder).isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            not JSON                      | {"dataset":                                                   | 400 | body
            not an object                 | ["DS"]                                                        | 400 |
            missing dataset               | {"candidates": ["arch-cnn-small"]}                            | 400 | /dataset
            dataset as a number           | {"dataset": 7}                                                | 400 | /dataset
            unknown field                 | {"dataset": "DS", "model": "arch-cnn-small"}                  | 400 | /model
            candidates not a list         | {"dataset": "DS", "candidates": "arch-cnn-small"}             | 400 | /candidates
            no candidates                 | {"dataset": "DS", "candidates": []}                           | 400 | /candidates
            candidate as a number         | {"dataset": "DS", "candidates": [7]}                          | 400 | /candidates/0
            sample of one                 | {"dataset": "DS", "sample_size": 1}                           | 400 | /sample_size
            sample too large              | {"dataset": "DS", "sample_size": 1000000}                     | 400 | /sample_size
            fractional sample             | {"dataset": "DS", "sample_size": 12.5}                        | 400 | /sample_size
            negative seed                 | {"dataset": "DS", "seed": -1}                                 | 400 | /seed
            unknown dataset               | {"dataset": "ds_nope"}                                        | 422 | /dataset
            unknown candidate             | {"dataset": "DS", "candidates": ["arch-cnn-small", "resnet-9000"]} | 422 | /candidates/1
            text base on images           | {"dataset": "DS", "candidates": ["arch-embedding-bag"]}       | 422 | /candidates/0
            candidate listed twice        | {"dataset": "DS", "candidates": ["arch-cnn-small", "arch-cnn-small"]} | 422 | /candidates/1
            """)
    void refusesBadRequestsNamingTheField(String name, String body, int status, String location) {
        ApiClient.Response refused = api.unchecked().post("/v1/models:rank", "application/json",
                body.replace("DS", digits).getBytes(StandardCharsets.UTF_8));

        assertThat(refused.status()).as(refused.body()).isEqualTo(status);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.json().get("errors").get(0).get("location").asString()).isEqualTo(location == null ? "" : location);
    }

    @Test
    void anotherTenantsDatasetIsAsUnknownAsAMissingOne() {
        ApiClient other = TestTenants.create(port, "rank-other").api();

        ApiClient.Response refused = other.post("/v1/models:rank", "application/json",
                ("{\"dataset\": \"" + digits + "\"}").getBytes(StandardCharsets.UTF_8));

        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.json().get("errors").get(0).get("location").asString()).isEqualTo("/dataset");
        assertThat(refused.json().get("detail").asString()).contains("no dataset with id");
    }

    @Test
    void theRankMethodLeavesTheModelRoutesAlone() {
        assertThat(api.get("/v1/models/arch-cnn-small").json().get("id").asString()).isEqualTo("arch-cnn-small");
        assertThat(api.get("/v1/models").status()).isEqualTo(200);
        // A base model has no head to predict with: the predict route answers, not the rank one.
        assertThat(api.post("/v1/models/mnist-cnn-small:predict", "application/json",
                "{\"instances\": [[1, 2]]}".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(409);
        assertThat(api.outsideContract().get("/v1/models:rank").status()).isEqualTo(405);
        assertThat(api.unchecked().post("/v1/models:rank", "text/plain", "x".getBytes(StandardCharsets.UTF_8)).status())
                .isEqualTo(415);
    }

    private ApiClient.Response rank(String body) {
        return api.post("/v1/models:rank", "application/json", body.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, JsonNode> byModel(JsonNode body) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        body.get("data").forEach(entry -> out.put(entry.get("model").asString(), entry));
        return out;
    }

    private static double score(Map<String, JsonNode> byModel, String id) {
        return byModel.get(id).get("score").asDouble();
    }

    /** The first {@value #DIGITS_PER_CLASS} digits of each class of the committed MNIST test slice of 5-9, as PNGs. */
    private static byte[] digitsZip() throws IOException {
        MnistDigits source = MnistDigits.read(MNIST, "target-test-5-9");
        Map<String, byte[]> entries = new LinkedHashMap<>();
        Map<Integer, Integer> taken = new HashMap<>();
        for (int i = 0; i < source.size(); i++) {
            int digit = source.label(i);
            int n = taken.merge(digit, 1, Integer::sum);
            if (n <= DIGITS_PER_CLASS) {
                entries.put(digit + "/" + i + ".png", png(source, i));
            }
        }
        return Fixtures.zip(entries);
    }

    private static byte[] png(MnistDigits source, int i) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(source.image(i), "png", out);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
