package dev.graft.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Random;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

import dev.graft.image.PhotoFixtures;
import dev.graft.model.ModelRegistry;
import dev.graft.storage.ArtifactStore;
import dev.graft.support.ApiClient;
import dev.graft.support.Fixtures;
import dev.graft.support.GraftServerTest;
import dev.graft.support.Multipart;
import dev.graft.support.TrainedModels;
import dev.graft.training.Input;
import dev.graft.training.ModelArtifact;

/** KServe V1 predictions over HTTP on each modality, and every kind of bad input. */
@GraftServerTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PredictionApiTest {

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    ModelRegistry registry;
    @Autowired
    ArtifactStore store;

    ApiClient api;
    String tabular;
    String image;
    String text;

    @BeforeAll
    void trainModels() {
        TrainedModels models = new TrainedModels(jdbc, registry, store);
        tabular = models.tabular("pred");
        image = models.image("");
        text = models.text("pred");
    }

    @BeforeEach
    void client() {
        api = ApiClient.on(port);
    }

    @Test
    void tabularPredictionsAreTheModelsOwnProbabilitiesWithTopKLabels() throws IOException {
        JsonNode answer = predict(tabular, "?top_k=2", "{\"instances\": [[0.0, 0.0], [1.0, -1.0], [2.05, -1.95]]}");

        JsonNode predictions = answer.get("predictions");
        assertThat(predictions).hasSize(3);
        assertThat(predictions.get(0).get("label").asString()).isEqualTo("a");
        assertThat(predictions.get(1).get("label").asString()).isEqualTo("b");
        assertThat(predictions.get(2).get("label").asString()).isEqualTo("c");
        assertThat(predictions.get(2).get("top_k")).hasSize(2);
        try (ModelArtifact artifact = ModelArtifact.load(store.directory(registry.find(tabular).orElseThrow().artifact()))) {
            float[] expected = artifact.predict(List.of(new Input.Tabular(new float[] {2.05f, -1.95f}))).get(0);
            assertThat(predictions.get(2).get("score").floatValue()).isEqualTo(expected[2]);
        }
    }

    @Test
    void topKDefaultsToFiveCappedAtTheLabelCount() {
        JsonNode answer = predict(tabular, "", "{\"instances\": [[0.0, 0.0]]}");
        assertThat(answer.get("predictions").get(0).get("top_k")).hasSize(3);
    }

    @Test
    void routesWorkWithTheColonsOfFineTunedIdsAndAnEmptySuffix() {
        assertThat(image).matches("ft:arch-cnn-small::[0-9A-Za-z]{8}");
        assertThat(api.get("/v1/models/" + image).json().get("id").asString()).isEqualTo(image);
        JsonNode answer = predict(image, "", "{\"instances\": [{\"b64\": \"" + b64(Color.RED) + "\"}]}");
        assertThat(answer.get("predictions").get(0).get("label").asString()).isEqualTo("red");
    }

    @Test
    void imageModelsTakeBase64AndMultipartUploadsAlike() {
        JsonNode json = predict(image, "", "{\"instances\": [{\"b64\": \"" + b64(Color.BLUE) + "\"}, {\"b64\": \""
                + b64(Color.RED) + "\"}]}");
        ApiClient.Response upload = api.upload("/v1/models/" + image + ":predict", Multipart.form()
                .file("file", "blue.png", "image/png", png(Color.BLUE)).file("file", "red.png", "image/png", png(Color.RED)));

        assertThat(upload.status()).as(upload.toString()).isEqualTo(200);
        assertThat(upload.json().get("predictions")).isEqualTo(json.get("predictions"));
        assertThat(json.get("predictions").get(0).get("label").asString()).isEqualTo("blue");
    }

    @Test
    void textModelsTakeStrings() {
        JsonNode answer = predict(text, "", "{\"instances\": [\"a warm sun\", \"cold rain tonight\"]}");
        assertThat(answer.get("predictions").get(0).get("label").asString()).isEqualTo("sun");
        assertThat(answer.get("predictions").get(1).get("label").asString()).isEqualTo("rain");
    }

    @Test
    void everyBadTabularInstanceIsReportedByIndex() {
        ApiClient.Response bad = api.unchecked().post("/v1/models/" + tabular + ":predict", "application/json",
                bytes("{\"instances\": [[1.0, 2.0], [1.0], \"x\", [1.0, \"y\"], [1.0, 2.0, 3.0]]}"));

        assertThat(bad.status()).isEqualTo(422);
        assertThat(locations(bad)).containsExactly("/instances/1", "/instances/2", "/instances/3/1", "/instances/4");
        assertThat(bad.body()).contains("has 1 features; the model takes 2");
    }

    @Test
    void undecodableAndNonBase64ImagesAreRejected() {
        String notImage = Base64.getEncoder().encodeToString("hello".getBytes(StandardCharsets.UTF_8));
        ApiClient.Response bad = api.unchecked().post("/v1/models/" + image + ":predict", "application/json",
                bytes("{\"instances\": [{\"b64\": \"" + notImage + "\"}, {\"b64\": \"@@@\"}, [1, 2], {\"b64\": \""
                        + b64(Color.RED) + "\"}]}"));

        assertThat(bad.status()).isEqualTo(422);
        assertThat(locations(bad)).containsExactly("/instances/0/b64", "/instances/1/b64", "/instances/2");
    }

    @Test
    void aTruncatedJpegIsRefusedNamingTheInstanceInsteadOfBeingPaddedWithGrey() {
        byte[] cut = PhotoFixtures.truncated(PhotoFixtures.jpeg(PhotoFixtures.noise(64, 64, 5)));
        String whole = Base64.getEncoder().encodeToString(PhotoFixtures.jpeg(PhotoFixtures.noise(64, 64, 5)));
        ApiClient.Response bad = api.unchecked().post("/v1/models/" + image + ":predict", "application/json",
                bytes("{\"instances\": [{\"b64\": \"" + whole + "\"}, {\"b64\": \""
                        + Base64.getEncoder().encodeToString(cut) + "\"}]}"));

        assertThat(bad.status()).as(bad.toString()).isEqualTo(422);
        assertThat(locations(bad)).containsExactly("/instances/1/b64");
        assertThat(bad.body()).contains("corrupt or cut off");
    }

    @Test
    void aCmykJpegIsPredictedByItsColour() {
        // Cyan and magenta ink make blue; the model tells red from blue.
        String cmyk = Base64.getEncoder().encodeToString(PhotoFixtures.cmykJpeg(8, 8, 255, 255, 0, 0));

        JsonNode answer = predict(image, "", "{\"instances\": [{\"b64\": \"" + cmyk + "\"}]}");

        assertThat(answer.get("predictions").get(0).get("label").asString()).isEqualTo("blue");
    }

    @Test
    void imagesLargerThanThePixelCapAreRefusedFromTheirHeader() throws IOException {
        byte[] huge = getClass().getResourceAsStream("/bad/huge-dimensions.png").readAllBytes();
        ApiClient.Response bad = api.upload("/v1/models/" + image + ":predict",
                Multipart.form().file("file", "huge.png", "image/png", huge));

        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.body()).contains("/instances/0").contains("pixels");
    }

    @Test
    void emptyTextIsRejected() {
        ApiClient.Response bad = api.unchecked().post("/v1/models/" + text + ":predict", "application/json",
                bytes("{\"instances\": [\"fine\", \"  \", 3]}"));

        assertThat(bad.status()).isEqualTo(422);
        assertThat(locations(bad)).containsExactly("/instances/1", "/instances/2");
    }

    @Test
    void tooManyOrNoInstancesAreRejected() {
        String many = "{\"instances\": [" + "[0.0, 0.0],".repeat(64) + "[0.0, 0.0]]}";
        ApiClient.Response tooMany = api.post("/v1/models/" + tabular + ":predict", "application/json", bytes(many));
        ApiClient.Response none = api.post("/v1/models/" + tabular + ":predict", "application/json",
                bytes("{\"instances\": []}"));
        ApiClient.Response missing = api.unchecked().post("/v1/models/" + tabular + ":predict", "application/json",
                bytes("{\"inputs\": []}"));

        assertThat(tooMany.status()).isEqualTo(422);
        assertThat(tooMany.body()).contains("65 instances; at most 64");
        assertThat(none.status()).isEqualTo(422);
        assertThat(missing.status()).isEqualTo(400);
        assertThat(locations(missing)).containsExactly("/instances");
    }

    @Test
    void unknownModelsAre404AndBaseModelsCannotPredict() {
        ApiClient.Response unknown = api.post("/v1/models/ft:arch-mlp:x:nothere1:predict", "application/json",
                bytes("{\"instances\": [[0.0, 0.0]]}"));
        ApiClient.Response base = api.post("/v1/models/arch-mlp:predict", "application/json",
                bytes("{\"instances\": [[0.0, 0.0]]}"));

        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("detail").asString()).contains("ft:arch-mlp:x:nothere1");
        assertThat(base.status()).isEqualTo(409);
    }

    @Test
    void aBadRequestLeavesTheModelServingGoodOnes() {
        JsonNode before = predict(tabular, "", "{\"instances\": [[1.0, -1.0]]}");
        for (int i = 0; i < 3; i++) {
            api.unchecked().post("/v1/models/" + tabular + ":predict", "application/json",
                    bytes("{\"instances\": [[1.0, -1.0, 7.0], [\"NaN\", 1]]}"));
        }
        assertThat(predict(tabular, "", "{\"instances\": [[1.0, -1.0]]}")).isEqualTo(before);
    }

    @Test
    void theModelShowsItsLoadStatus() {
        String fresh = new TrainedModels(jdbc, registry, store).tabular("status");
        assertThat(api.get("/v1/models/" + fresh).json().get("status").asString()).isEqualTo("not_loaded");

        predict(fresh, "", "{\"instances\": [[0.0, 0.0]]}");

        assertThat(api.get("/v1/models/" + fresh).json().get("status").asString()).isEqualTo("loaded");
    }

    private JsonNode predict(String model, String query, String body) {
        ApiClient.Response response = api.post("/v1/models/" + model + ":predict" + query, "application/json", bytes(body));
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.json();
    }

    private static List<String> locations(ApiClient.Response problem) {
        return problem.json().get("errors").valueStream().map(e -> e.get("location").asString()).toList();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] png(Color colour) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(TrainedModels.colour(colour, new Random(11)), "png", out);
        }
        catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    static String b64(Color colour) {
        return Base64.getEncoder().encodeToString(png(colour));
    }
}
