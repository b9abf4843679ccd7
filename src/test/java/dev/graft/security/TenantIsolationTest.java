package dev.graft.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

import dev.graft.model.ModelRegistry;
import dev.graft.storage.ArtifactStore;
import dev.graft.support.ApiClient;
import dev.graft.support.Fixtures;
import dev.graft.support.GraftServerTest;
import dev.graft.support.Multipart;
import dev.graft.support.TestTenants;
import dev.graft.support.TrainedModels;

/**
 * Two tenants side by side: each sees only its own datasets, jobs, events and models; the other's
 * ids answer exactly as missing ones do; the catalog is shared.
 */
@GraftServerTest
@TestPropertySource(properties = TestTenants.ADMIN_KEY_PROPERTY)
class TenantIsolationTest {

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    ModelRegistry registry;
    @Autowired
    ArtifactStore store;

    TestTenants.Tenant alice;
    TestTenants.Tenant bob;
    String dataset;
    String job;
    String model;

    @BeforeEach
    void setUp() {
        alice = TestTenants.create(port, "alice");
        bob = TestTenants.create(port, "bob");
        dataset = alice.api().upload("/v1/datasets", Multipart.form().field("format", "csv")
                .file("file", "a.csv", "text/csv", Fixtures.csv(new String[] {"a", "b"}, 30))).json().get("id").asString();
        job = createJob(alice.api(), "{\"base_model\": \"arch-mlp\", \"dataset\": \"" + dataset + "\"}").json().get("id").asString();
        model = new TrainedModels(jdbc, registry, store).forTenant(alice.id()).tabular("alice");
    }

    @Test
    void anotherTenantsIdsAnswerExactlyAsMissingOnes() {
        ApiClient b = bob.api();
        List<String> paths = List.of("/v1/datasets/%s", "/v1/datasets/%s/split", "/v1/fine_tuning/jobs/%s",
                "/v1/fine_tuning/jobs/%s/events", "/v1/fine_tuning/jobs/%s/checkpoints", "/v1/fine_tuning/jobs/%s/results",
                "/v1/models/%s", "/v1/models/%s/artifact");
        List<String> ids = List.of(dataset, dataset, job, job, job, job, model, model);
        List<String> missing = List.of("ds_000000000000000000000000", "ds_000000000000000000000000",
                "ftjob_000000000000000000000000", "ftjob_000000000000000000000000", "ftjob_000000000000000000000000",
                "ftjob_000000000000000000000000", "ft:arch-mlp:nobody:00000000", "ft:arch-mlp:nobody:00000000");
        for (int i = 0; i < paths.size(); i++) {
            ApiClient.Response theirs = b.get(paths.get(i).formatted(ids.get(i)));
            ApiClient.Response none = b.get(paths.get(i).formatted(missing.get(i)));
            assertThat(theirs.status()).as(paths.get(i)).isEqualTo(404).isEqualTo(none.status());
            assertThat(theirs.json().get("title")).isEqualTo(none.json().get("title"));
            assertThat(theirs.json().get("detail").asString()).isEqualTo(
                    none.json().get("detail").asString().replace(missing.get(i), ids.get(i)));
        }
        assertThat(b.send("GET", "/v1/fine_tuning/jobs/" + job + "/events", null, null, "text/event-stream").status())
                .isEqualTo(404);
        assertThat(b.post("/v1/fine_tuning/jobs/" + job + "/cancel", null, null).status()).isEqualTo(404);
        assertThat(b.post("/v1/models/" + model + ":predict", "application/json",
                "{\"instances\": [[1.0, -1.0]]}".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(404);
        assertThat(b.delete("/v1/models/" + model).status()).isEqualTo(404);
        assertThat(b.delete("/v1/datasets/" + dataset).status()).isEqualTo(404);

        // Nothing of Alice's was touched: her job is still queued, her dataset and model still there.
        assertThat(alice.api().get("/v1/fine_tuning/jobs/" + job).json().get("status").asString()).isEqualTo("queued");
        assertThat(alice.api().get("/v1/datasets/" + dataset).status()).isEqualTo(200);
        assertThat(alice.api().post("/v1/models/" + model + ":predict", "application/json",
                "{\"instances\": [[1.0, -1.0]]}".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(200);
    }

    @Test
    void aTenantCannotTrainOnAnotherTenantsDatasetOrModel() {
        ApiClient.Response onTheirDataset = createJob(bob.api(), "{\"base_model\": \"arch-mlp\", \"dataset\": \"" + dataset + "\"}");
        assertThat(onTheirDataset.status()).isEqualTo(422);
        assertThat(onTheirDataset.json().get("detail").asString()).contains("/dataset", "no dataset");

        String own = bob.api().upload("/v1/datasets", Multipart.form().field("format", "csv")
                .file("file", "b.csv", "text/csv", Fixtures.csv(new String[] {"a", "b"}, 30))).json().get("id").asString();
        ApiClient.Response fromTheirModel = createJob(bob.api(), "{\"base_model\": \"" + model + "\", \"dataset\": \"" + own + "\"}");
        assertThat(fromTheirModel.status()).isEqualTo(422);
        assertThat(fromTheirModel.json().get("detail").asString()).contains("/base_model", "no base model");
    }

    @Test
    void listsShowOnlyTheCallersOwnResourcesAndTheSharedCatalog() {
        assertThat(ids(bob.api(), "/v1/datasets?limit=100")).doesNotContain(dataset);
        assertThat(ids(bob.api(), "/v1/fine_tuning/jobs?limit=100")).doesNotContain(job);
        assertThat(ids(bob.api(), "/v1/models?kind=fine_tuned&limit=100")).doesNotContain(model);
        assertThat(ids(alice.api(), "/v1/datasets?limit=100")).containsExactly(dataset);
        // Her queued job, and the succeeded one that made her model.
        assertThat(ids(alice.api(), "/v1/fine_tuning/jobs?limit=100")).hasSize(2).contains(job);
        assertThat(ids(alice.api(), "/v1/models?kind=fine_tuned&limit=100")).containsExactly(model);
        assertThat(ids(bob.api(), "/v1/models?kind=base&limit=100")).isEqualTo(ids(alice.api(), "/v1/models?kind=base&limit=100"))
                .contains("arch-mlp", "arch-cnn-small");
        // A cursor from another tenant's list is no cursor at all.
        assertThat(bob.api().unchecked().get("/v1/datasets?after=" + dataset).status()).isEqualTo(400);
    }

    @Test
    void idempotencyKeysBelongToTheirTenant() {
        String own = bob.api().upload("/v1/datasets", Multipart.form().field("format", "csv")
                .file("file", "b.csv", "text/csv", Fixtures.csv(new String[] {"a", "b"}, 30))).json().get("id").asString();
        byte[] aliceBody = ("{\"base_model\": \"arch-mlp\", \"dataset\": \"" + dataset + "\"}").getBytes(StandardCharsets.UTF_8);
        byte[] bobBody = ("{\"base_model\": \"arch-mlp\", \"dataset\": \"" + own + "\"}").getBytes(StandardCharsets.UTF_8);

        ApiClient.Response first = alice.api().send("POST", "/v1/fine_tuning/jobs", "application/json", aliceBody, null,
                "Idempotency-Key", "shared-key");
        ApiClient.Response second = bob.api().send("POST", "/v1/fine_tuning/jobs", "application/json", bobBody, null,
                "Idempotency-Key", "shared-key");

        assertThat(first.status()).isEqualTo(201);
        assertThat(second.status()).as("not a 409, and not Alice's job replayed").isEqualTo(201);
        assertThat(second.json().get("id").asString()).isNotEqualTo(first.json().get("id").asString());
        assertThat(second.json().get("dataset").asString()).isEqualTo(own);
    }

    private static ApiClient.Response createJob(ApiClient api, String body) {
        return api.post("/v1/fine_tuning/jobs", "application/json", body.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> ids(ApiClient api, String path) {
        JsonNode page = api.get(path).json();
        List<String> ids = new ArrayList<>();
        page.get("data").forEach(d -> ids.add(d.get("id").asString()));
        return ids;
    }
}
