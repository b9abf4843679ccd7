package dev.graft.basemodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

import dev.graft.model.ModelRegistry;
import dev.graft.storage.ArtifactStore;
import dev.graft.support.ApiClient;
import dev.graft.support.Fixtures;
import dev.graft.support.GraftServerTest;
import dev.graft.support.Multipart;
import dev.graft.support.TestDatabase;
import dev.graft.training.Input;
import dev.graft.training.ModelArtifact;

/**
 * An imported TorchScript base through the whole API with a real worker: fine-tuned with both
 * supported strategies, served (the served scores are the trained artifact's), used as the base
 * of a later job, and protected from deletion while a job needs it.
 */
@GraftServerTest
@DirtiesContext
@TestPropertySource(properties = {"graft.mode=all", "graft.worker.processes=1", "graft.worker.jvm-options=-Xmx1g"})
class TorchScriptJobEndToEndTest {

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    ModelRegistry registry;
    @Autowired
    ArtifactStore store;

    ApiClient api;

    @BeforeEach
    void setUp() {
        TestDatabase.cancelLeftoverJobs(jdbc);
        api = ApiClient.on(port);
    }

    @Test
    void anImportedModuleFineTunesWithBothStrategiesAndTheResultPredicts() throws Exception {
        String base = api.upload("/v1/models", Multipart.form()
                .file("file", "tiny-backbone.pt", "application/octet-stream",
                        Files.readAllBytes(Path.of("src/test/resources/torchscript/tiny-backbone.pt")))
                .field("descriptor", """
                        {"modality": "image", "input_shape": [1, 16, 16], "output": "embeddings", "embedding_size": 16}
                        """)).json().get("id").asString();
        String dataset = api.upload("/v1/datasets", Multipart.form().field("format", "image_folder")
                .file("file", "shapes.zip", "application/zip", Fixtures.imageZip(Map.of("a", 8, "b", 8))))
                .json().get("id").asString();

        ApiClient.Response partial = job(base, dataset, "partial");
        assertThat(partial.status()).as(partial.body()).isEqualTo(422);

        ApiClient.Response extraction = job(base, dataset, "feature_extraction");
        assertThat(extraction.status()).as(extraction.body()).isEqualTo(201);
        assertThat(api.delete("/v1/models/" + base).status()).isEqualTo(409);
        String extracted = awaitModel(extraction.json().get("id").asString());

        String full = awaitModel(job(base, dataset, "full").json().get("id").asString());
        String child = awaitModel(job(full, dataset, "feature_extraction").json().get("id").asString());

        // The served answer is the trained artifact's own: every label's score as the model's files,
        // loaded here, give it (the tiny fixture backbone cannot learn noise images well enough for
        // an accuracy figure to mean anything).
        byte[] image = Fixtures.png(20, 20, 5);
        String instance = Base64.getEncoder().encodeToString(image);
        for (String model : new String[] {extracted, full, child}) {
            ApiClient.Response predicted = api.post("/v1/models/" + model + ":predict", "application/json",
                    ("{\"instances\": [{\"b64\": \"" + instance + "\"}]}").getBytes(StandardCharsets.UTF_8));
            assertThat(predicted.status()).as(predicted.body()).isEqualTo(200);
            JsonNode prediction = predicted.json().get("predictions").get(0);
            try (ModelArtifact artifact = ModelArtifact.load(store.directory(registry.find(model).orElseThrow().artifact()))) {
                List<String> labels = artifact.descriptor().labels();
                float[] expected = artifact.predict(List.of(new Input.EncodedImage(image))).get(0);
                assertThat(labels).containsExactly("a", "b");
                assertThat(prediction.get("label").asString()).as("%s: %s", model, prediction)
                        .isEqualTo(labels.get(expected[1] > expected[0] ? 1 : 0));
                for (JsonNode scored : prediction.get("top_k")) {
                    assertThat(scored.get("score").asDouble()).as("%s: %s", model, prediction)
                            .isCloseTo(expected[labels.indexOf(scored.get("label").asString())], within(1e-5));
                }
                assertThat(prediction.get("top_k")).hasSize(2);
            }
        }
        assertThat(api.get("/v1/models/" + full).json().get("lineage").get("parent").asString()).isEqualTo(base);
    }

    private ApiClient.Response job(String base, String dataset, String strategy) {
        return api.post("/v1/fine_tuning/jobs", "application/json", ("{\"base_model\": \"" + base
                + "\", \"dataset\": \"" + dataset + "\", \"strategy\": \"" + strategy
                + "\", \"seed\": 3, \"hyperparameters\": {\"n_epochs\": 2, \"batch_size\": 8}}")
                .getBytes(StandardCharsets.UTF_8));
    }

    private String awaitModel(String job) throws InterruptedException {
        return api.awaitFineTunedModel(job, Duration.ofSeconds(120));
    }
}
