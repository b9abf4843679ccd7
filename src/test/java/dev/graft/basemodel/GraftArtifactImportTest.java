package dev.graft.basemodel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

import dev.graft.model.ModelRegistry;
import dev.graft.storage.ArtifactStore;
import dev.graft.support.ApiClient;
import dev.graft.support.Fixtures;
import dev.graft.support.GraftServerTest;
import dev.graft.support.Multipart;
import dev.graft.support.TrainedModels;
import dev.graft.training.BaseModel;
import dev.graft.training.CancellationToken;
import dev.graft.training.Example;
import dev.graft.training.Hyperparameters;
import dev.graft.training.Input;
import dev.graft.training.Strategy;
import dev.graft.training.TrainingData;
import dev.graft.training.TrainingListener;
import dev.graft.training.TrainingRequest;
import dev.graft.training.TrainingResult;
import dev.graft.training.TrainingRun;

/** A Graft artifact (as the artifact download gives it) imported back as a base model. */
@GraftServerTest
class GraftArtifactImportTest {

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    ModelRegistry registry;
    @Autowired
    ArtifactStore store;

    @TempDir
    Path work;

    @Test
    void aGraftArtifactImportsAsABaseWithEveryStrategyAndTrains() throws Exception {
        String trained = new TrainedModels(jdbc, registry, store).tabular("export");
        byte[] zip = zipOf(store.directory(registry.find(trained).orElseThrow().artifact()));
        String id = "blobs-import-" + System.nanoTime();

        ApiClient.Response created = upload(zip, "{\"format\": \"graft\", \"id\": \"" + id + "\", \"modality\": \"tabular\"}");

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode model = ApiClient.on(port).get("/v1/models/" + id).json();
        assertThat(model.get("kind").asString()).isEqualTo("base");
        assertThat(model.get("modality").asString()).isEqualTo("tabular");
        assertThat(model.get("source").asString()).isEqualTo("imported");
        assertThat(model.get("strategies").toString()).isEqualTo("[\"feature_extraction\",\"partial\",\"full\"]");

        List<Example> train = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            train.add(new Example(new Input.Tabular(new float[] {i % 2, -(i % 2)}), i % 2));
        }
        Path imported = store.directory(jdbc.sql("SELECT artifact FROM imported_models WHERE id = ?").param(id)
                .query(String.class).single());
        // Each strategy the import lists trains from it (one tiny epoch each) and records itself in the lineage.
        for (Strategy strategy : List.of(Strategy.FEATURE_EXTRACTION, Strategy.PARTIAL, Strategy.FULL)) {
            TrainingRequest request = new TrainingRequest(new BaseModel.Artifact(id, imported),
                    strategy, Hyperparameters.builder().epochs(1).batchSize(4).threads(1).build(),
                    new TrainingData(Modality.TABULAR, List.of("x", "y"), train, train.subList(0, 2)), null,
                    work.resolve(strategy.wireName()), null, null, null);
            try (TrainingResult result = new TrainingRun().run(request, TrainingListener.NONE, CancellationToken.none())) {
                assertThat(result.outcome()).as(strategy.wireName()).isEqualTo(TrainingResult.Outcome.COMPLETED);
                assertThat(result.model().descriptor().lineage().baseModelId()).as(strategy.wireName()).isEqualTo(id);
                assertThat(result.model().descriptor().lineage().strategy()).isEqualTo(strategy);
            }
        }
    }

    @Test
    void refusesArchivesThatAreNotGraftArtifactsAndKeepsNothing() throws Exception {
        String trained = new TrainedModels(jdbc, registry, store).tabular("export-bad");
        Path dir = store.directory(registry.find(trained).orElseThrow().artifact());
        Map<String, byte[]> noDescriptor = new LinkedHashMap<>();
        noDescriptor.put("weights.params", Files.readAllBytes(dir.resolve("weights.params")));
        Map<String, byte[]> slip = new LinkedHashMap<>();
        slip.put("../graft-model.json", Files.readAllBytes(dir.resolve("graft-model.json")));
        Map<String, byte[]> brokenWeights = new LinkedHashMap<>();
        brokenWeights.put("graft-model.json", Files.readAllBytes(dir.resolve("graft-model.json")));
        brokenWeights.put("weights.params", new byte[] {1, 2, 3});

        Map<String, byte[]> withModule = new LinkedHashMap<>();
        withModule.put("graft-model.json", Files.readAllBytes(dir.resolve("graft-model.json")));
        withModule.put("weights.params", Files.readAllBytes(dir.resolve("weights.params")));
        withModule.put(TorchScriptModule.FILE_NAME, Files.readAllBytes(Path.of("src/test/resources/torchscript/tiny-backbone.pt")));
        Map<String, byte[]> moduleDescriptor = new LinkedHashMap<>();
        moduleDescriptor.put("graft-model.json", Files.readString(dir.resolve("graft-model.json"))
                .replace("\"arch-mlp\"", "\"" + TorchScriptModule.ARCHITECTURE_ID + "\"").getBytes());
        moduleDescriptor.put("weights.params", Files.readAllBytes(dir.resolve("weights.params")));

        Map<String, byte[]> twoFolders = new LinkedHashMap<>();
        twoFolders.put("a/graft-model.json", Files.readAllBytes(dir.resolve("graft-model.json")));
        twoFolders.put("b/weights.params", Files.readAllBytes(dir.resolve("weights.params")));
        Map<String, byte[]> nested = new LinkedHashMap<>();
        nested.put("a/b/graft-model.json", Files.readAllBytes(dir.resolve("graft-model.json")));
        nested.put("a/b/weights.params", Files.readAllBytes(dir.resolve("weights.params")));
        Map<String, byte[]> folderSlip = new LinkedHashMap<>();
        folderSlip.put("../graft-model.json", Files.readAllBytes(dir.resolve("graft-model.json")));
        folderSlip.put("../weights.params", Files.readAllBytes(dir.resolve("weights.params")));

        for (byte[] zip : List.of(Fixtures.zip(noDescriptor), Fixtures.zip(slip), Fixtures.zip(brokenWeights),
                "not a zip".getBytes(), Fixtures.zip(withModule), Fixtures.zip(moduleDescriptor), Fixtures.zip(twoFolders),
                Fixtures.zip(nested), Fixtures.zip(folderSlip))) {
            long rows = jdbc.sql("SELECT count(*) FROM imported_models").query(Long.class).single();
            List<Path> files = files();

            ApiClient.Response refused = upload(zip, "{\"format\": \"graft\"}");

            assertThat(refused.status()).as(refused.body()).isEqualTo(422);
            assertThat(refused.json().get("errors").get(0).get("location").asString()).isEqualTo("file");
            assertThat(jdbc.sql("SELECT count(*) FROM imported_models").query(Long.class).single()).isEqualTo(rows);
            assertThat(files()).isEqualTo(files);
        }
        ApiClient.Response module = upload(Fixtures.zip(moduleDescriptor), "{\"format\": \"graft\"}");
        assertThat(module.json().get("errors").get(0).get("message").asString()).contains("TorchScript backbone");
    }

    private ApiClient.Response upload(byte[] zip, String descriptor) {
        return ApiClient.on(port).upload("/v1/models", Multipart.form()
                .file("file", "model.zip", "application/zip", zip)
                .file("descriptor", "descriptor.json", "application/json", descriptor.getBytes()));
    }

    private static byte[] zipOf(Path dir) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                entries.put(f.getFileName().toString(), Files.readAllBytes(f));
            }
        }
        return Fixtures.zip(entries);
    }

    private List<Path> files() {
        try (Stream<Path> all = Files.walk(store.directory("imports").getParent())) {
            return all.filter(Files::isRegularFile).sorted().toList();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
