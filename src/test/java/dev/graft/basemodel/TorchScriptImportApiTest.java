package dev.graft.basemodel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

import dev.graft.storage.ArtifactStore;
import dev.graft.support.StoredState;
import dev.graft.support.ApiClient;
import dev.graft.support.Fixtures;
import dev.graft.support.GraftServerTest;
import dev.graft.support.Multipart;

/** {@code POST /v1/models}: importing a TorchScript module as a base, and refusing bad ones with nothing kept. */
@GraftServerTest
class TorchScriptImportApiTest {

    static final Path FIXTURES = Path.of("src/test/resources/torchscript");
    static final String BACKBONE_DESCRIPTOR = """
            {"modality": "image", "input_shape": [1, 16, 16], "normalisation": {"mean": [0.5], "std": [0.25]},
             "output": "embeddings", "embedding_size": 16%s}""";

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    ArtifactStore store;

    ApiClient api;

    @BeforeEach
    void client() {
        api = ApiClient.on(port);
    }

    @Test
    void importsTheTinyBackboneAsABaseModelThatIsListedRetrievedAndDeleted() {
        ApiClient.Response created = upload("tiny-backbone.pt", BACKBONE_DESCRIPTOR.formatted(""));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode model = created.json();
        String id = model.get("id").asString();
        assertThat(id).startsWith("imp_");
        assertThat(model.get("kind").asString()).isEqualTo("base");
        assertThat(model.get("source").asString()).isEqualTo("imported");
        assertThat(model.get("pretrained").asBoolean()).isTrue();
        assertThat(model.get("embedding_size").asInt()).isEqualTo(16);
        assertThat(strings(model.get("strategies"))).containsExactly("feature_extraction", "full");
        assertThat(model.get("input").get("shape").toString()).isEqualTo("[1,16,16]");

        assertThat(listedBaseIds()).contains(id);
        assertThat(api.get("/v1/models/" + id).json().get("source").asString()).isEqualTo("imported");
        Path module = root().resolve(jdbc.sql("SELECT artifact FROM imported_models WHERE id = ?").param(id)
                .query(String.class).single());
        assertThat(module).hasFileName("module.pt").isRegularFile();

        assertThat(api.delete("/v1/models/" + id).status()).isEqualTo(200);
        assertThat(api.get("/v1/models/" + id).status()).isEqualTo(404);
        assertThat(module.getParent()).doesNotExist();
    }

    @Test
    void anImportedModuleCannotBeComparedWithABaselineItHasNoArchitectureFor() {
        String id = upload("tiny-backbone.pt", BACKBONE_DESCRIPTOR.formatted("")).json().get("id").asString();
        String dataset = api.upload("/v1/datasets", Multipart.form().field("format", "image_folder")
                .file("file", "shapes.zip", "application/zip", Fixtures.imageZip(Map.of("a", 6, "b", 6)))).json().get("id").asString();

        ApiClient.Response refused = api.unchecked().post("/v1/fine_tuning/jobs", "application/json", ("{\"base_model\": \""
                + id + "\", \"dataset\": \"" + dataset + "\", \"compare_baseline\": true}").getBytes(StandardCharsets.UTF_8));

        assertThat(refused.status()).as(refused.body()).isEqualTo(422);
        assertThat(refused.json().get("errors").get(0).get("location").asString()).isEqualTo("/compare_baseline");
        assertThat(refused.json().get("errors").get(0).get("message").asString()).contains("TorchScript");
        assertThat(api.delete("/v1/models/" + id).status()).isEqualTo(200);
    }

    @Test
    void importsALogitsModuleUnderAChosenId() {
        ApiClient.Response created = upload("tiny-logits.pt", """
                {"id": "tiny-logits", "name": "Tiny logits", "modality": "image", "input_shape": [1, 16, 16],
                 "output": "logits", "embedding_size": 3}""");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("id").asString()).isEqualTo("tiny-logits");
        assertThat(upload("tiny-logits.pt", """
                {"id": "tiny-logits", "modality": "image", "input_shape": [1, 16, 16],
                 "output": "logits", "embedding_size": 3}""").status()).isEqualTo(409);
        assertThat(api.delete("/v1/models/tiny-logits").status()).isEqualTo(200);
    }

    @Test
    void refusesAFileThatIsNotTorchScriptAndKeepsNothing() {
        assertRefusedWithNothingKept("corrupt.pt", BACKBONE_DESCRIPTOR.formatted(""), "file");
    }

    @Test
    void refusesAnEmbeddingSizeTheModuleDoesNotReturnAndKeepsNothing() {
        assertRefusedWithNothingKept("tiny-backbone.pt", BACKBONE_DESCRIPTOR.replace("16%s", "32"),
                "descriptor.embedding_size");
    }

    @Test
    void refusesAnInputShapeTheModuleCannotTakeAndKeepsNothing() {
        assertRefusedWithNothingKept("tiny-backbone.pt", BACKBONE_DESCRIPTOR.formatted("")
                .replace("[1, 16, 16]", "[3, 16, 16]").replace("[0.5]", "[0.5, 0.5, 0.5]")
                .replace("[0.25]", "[0.25, 0.25, 0.25]"), "descriptor.input_shape");
    }

    @Test
    void refusesAnIncompleteDescriptorBeforeLoadingAnything() {
        assertRefusedWithNothingKept("tiny-backbone.pt", "{\"modality\": \"text\"}", "descriptor.modality");
    }

    private void assertRefusedWithNothingKept(String fixture, String descriptor, String location) {
        long rows = rows();
        List<Path> files = files();
        ApiClient.Response refused = upload(fixture, descriptor);
        assertThat(refused.status()).as(refused.body()).isEqualTo(422);
        JsonNode problem = refused.json();
        assertThat(problem.get("type").asString()).isEqualTo("/problems/validation");
        List<String> locations = new ArrayList<>();
        problem.get("errors").forEach(e -> locations.add(e.get("location").asString()));
        assertThat(locations).contains(location);
        assertThat(rows()).isEqualTo(rows);
        assertThat(files()).isEqualTo(files);
    }

    private ApiClient.Response upload(String fixture, String descriptor) {
        try {
            return api.upload("/v1/models", Multipart.form()
                    .file("file", fixture, "application/octet-stream", Files.readAllBytes(FIXTURES.resolve(fixture)))
                    .file("descriptor", "descriptor.json", "application/json", descriptor.getBytes()));
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<String> listedBaseIds() {
        List<String> ids = new ArrayList<>();
        api.get("/v1/models?kind=base&limit=100").json().get("data").forEach(m -> ids.add(m.get("id").asString()));
        return ids;
    }

    private long rows() {
        return jdbc.sql("SELECT count(*) FROM imported_models").query(Long.class).single();
    }

    private Path root() {
        try {
            return store.directory("imports").getParent();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<Path> files() {
        return StoredState.regularFiles(root());
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asString()));
        return out;
    }
}
