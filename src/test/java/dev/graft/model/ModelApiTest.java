package dev.graft.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

import dev.graft.storage.ArtifactStore;
import dev.graft.basemodel.BaseModelCatalog;
import dev.graft.support.ApiClient;
import dev.graft.support.GraftServerTest;
import dev.graft.support.TestDatabase;
import dev.graft.support.TrainedModels;
import dev.graft.training.Input;
import dev.graft.training.ModelArtifact;
import dev.graft.web.Ids;

/** The models resource: listing base and fine-tuned models, one model's view, download and delete. */
@GraftServerTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModelApiTest {

    @Autowired
    BaseModelCatalog catalog;
    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    ModelRegistry registry;
    @Autowired
    ArtifactStore store;

    ApiClient api;
    TrainedModels models;
    String older;
    String newer;

    @BeforeAll
    void trainModels() {
        TestDatabase.cancelLeftoverJobs(jdbc);
        models = new TrainedModels(jdbc, registry, store);
        older = models.tabular("older");
        newer = models.tabular("newer");
    }

    @BeforeEach
    void client() {
        api = ApiClient.on(port);
    }

    @Test
    void listsBaseModelsFirstThenFineTunedNewestFirstAcrossPages() {
        List<String> ids = new ArrayList<>();
        String after = null;
        do {
            JsonNode page = api.get("/v1/models?limit=3" + (after == null ? "" : "&after=" + after)).json();
            page.get("data").forEach(m -> ids.add(m.get("id").asString()));
            after = page.get("has_more").asBoolean() ? page.get("last_id").asString() : null;
        } while (after != null);

        List<String> catalogOrder = catalog.entries("tenant_default").stream().map(BaseModelCatalog.CatalogEntry::id).toList();
        assertThat(ids.subList(0, catalogOrder.size())).isEqualTo(catalogOrder);
        assertThat(ids).containsSubsequence(newer, older).doesNotHaveDuplicates();
    }

    @Test
    void filtersByKind() {
        JsonNode bases = api.get("/v1/models?kind=base").json();
        JsonNode tuned = api.get("/v1/models?kind=fine_tuned&limit=100").json();
        JsonNode afterNewer = api.get("/v1/models?kind=fine_tuned&after=" + newer).json();

        assertThat(bases.get("data")).hasSize(catalog.entries("tenant_default").size()).allSatisfy(m -> assertThat(m.get("kind").asString()).isEqualTo("base"));
        assertThat(tuned.get("data")).allSatisfy(m -> assertThat(m.get("kind").asString()).isEqualTo("fine_tuned"));
        assertThat(afterNewer.get("data").get(0).get("id").asString()).isEqualTo(older);
        assertThat(api.unchecked().get("/v1/models?kind=other").status()).isEqualTo(400);
        assertThat(api.get("/v1/models?kind=base&after=" + newer).status()).isEqualTo(400);
    }

    @Test
    void aFineTunedModelShowsLabelsInputLineageAndEvaluation() {
        JsonNode model = api.get("/v1/models/" + older).json();

        assertThat(model.get("object").asString()).isEqualTo("model");
        assertThat(model.get("kind").asString()).isEqualTo("fine_tuned");
        assertThat(model.get("modality").asString()).isEqualTo("tabular");
        assertThat(model.get("labels").toString()).isEqualTo("[\"a\",\"b\",\"c\"]");
        assertThat(model.get("input").get("shape").toString()).isEqualTo("[2]");
        assertThat(model.get("input").get("preprocessing").get("features").asInt()).isEqualTo(2);
        assertThat(model.get("lineage").get("parent").asString()).isEqualTo("arch-mlp");
        assertThat(model.get("lineage").get("job").asString()).startsWith("ftjob_");
        assertThat(model.get("evaluation").get("accuracy").isNumber()).isTrue();
        assertThat(model.get("evaluation").has("history")).isFalse();
        assertThat(model.get("evaluation").get("result_files").get(0).asString())
                .isEqualTo("/v1/fine_tuning/jobs/" + model.get("lineage").get("job").asString() + "/results");
        assertThat(model.get("bytes").asLong()).isPositive();
        assertThat(model.get("created_at").asLong()).isPositive();
    }

    @Test
    void theArtifactDownloadsAsAZipThatLoadsAndPredictsLikeTheServedModel(@TempDir Path dir) throws Exception {
        ApiClient.Response zip = api.send("GET", "/v1/models/" + older + "/artifact", null, null, "application/zip");

        assertThat(zip.status()).isEqualTo(200);
        assertThat(zip.header("Content-Disposition")).contains(".zip");
        byte[] bytes = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/v1/models/" + older + "/artifact")).build(), HttpResponse.BodyHandlers.ofByteArray()).body();
        List<String> names = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null;) {
                names.add(e.getName());
                Path file = dir.resolve(e.getName().substring(e.getName().indexOf('/') + 1));
                Files.write(file, in.readAllBytes());
            }
        }
        assertThat(names).allMatch(n -> n.startsWith("ft_arch-mlp_older_")).anyMatch(n -> n.endsWith("graft-model.json"));
        JsonNode served = api.post("/v1/models/" + older + ":predict", "application/json",
                "{\"instances\": [[1.0, -1.0]]}".getBytes(StandardCharsets.UTF_8)).json();
        try (ModelArtifact artifact = ModelArtifact.load(dir)) {
            float[] p = artifact.predict(List.of(new Input.Tabular(new float[] {1f, -1f}))).get(0);
            assertThat(served.get("predictions").get(0).get("score").floatValue()).isEqualTo(max(p));
        }
    }

    @Test
    void deletingRemovesTheModelAndItsArtifact() throws Exception {
        String doomed = models.tabular("doomed");
        Path directory = store.directory(registry.find(doomed).orElseThrow().artifact());
        api.post("/v1/models/" + doomed + ":predict", "application/json", "{\"instances\": [[0.0, 0.0]]}".getBytes());

        JsonNode deleted = api.delete("/v1/models/" + doomed).json();

        assertThat(deleted.get("deleted").asBoolean()).isTrue();
        assertThat(api.get("/v1/models/" + doomed).status()).isEqualTo(404);
        assertThat(api.post("/v1/models/" + doomed + ":predict", "application/json",
                "{\"instances\": [[0.0, 0.0]]}".getBytes()).status()).isEqualTo(404);
        assertThat(Files.exists(directory)).isFalse();
        assertThat(api.delete("/v1/models/" + doomed).status()).isEqualTo(404);
    }

    @Test
    void aModelAQueuedJobStartsFromCannotBeDeletedNorCanABaseModel() {
        String parent = models.tabular("parent");
        jdbc.sql("""
                INSERT INTO fine_tuning_jobs (id, tenant_id, status, base_model, dataset_id, strategy, hyperparameters, seed, max_attempts)
                VALUES (:id, 'tenant_default', 'queued', :base, 'ds_x', 'full', CAST(:hyperparameters AS jsonb), 1, 3)
                """).param("id", Ids.newId("ftjob")).param("hyperparameters", TrainedModels.HYPERPARAMETERS).param("base", parent).update();

        ApiClient.Response blocked = api.delete("/v1/models/" + parent);
        ApiClient.Response base = api.delete("/v1/models/arch-mlp");

        assertThat(blocked.status()).isEqualTo(409);
        assertThat(blocked.json().get("detail").asString()).contains("in use");
        assertThat(base.status()).isEqualTo(409);
        TestDatabase.cancelLeftoverJobs(jdbc);
        assertThat(api.delete("/v1/models/" + parent).status()).isEqualTo(200);
    }

    private static float max(float[] p) {
        float m = p[0];
        for (float v : p) {
            m = Math.max(m, v);
        }
        return m;
    }
}
