package dev.graft.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

import dev.graft.job.JobQueue;
import dev.graft.job.JobRow;
import dev.graft.model.ModelRegistry;
import dev.graft.storage.ArtifactStore;
import dev.graft.support.ApiClient;
import dev.graft.support.Fixtures;
import dev.graft.support.GraftServerTest;
import dev.graft.support.Multipart;
import dev.graft.support.TestDatabase;
import dev.graft.support.TestTenants;
import dev.graft.support.TrainedModels;

/** Each per-tenant or per-key limit, hit by one tenant while another is unaffected. */
@GraftServerTest
@TestPropertySource(properties = {
        TestTenants.ADMIN_KEY_PROPERTY,
        "graft.limits.datasets-per-tenant=2",
        "graft.limits.models-per-tenant=1",
        "graft.limits.uploads-in-flight-per-tenant=1",
        // One token per 20 s: loading the model on the first request cannot refill the bucket in time.
        "graft.limits.predictions-per-second=0.05",
        "graft.limits.prediction-burst=2",
        "graft.jobs.max-running-per-tenant=1" })
class LimitsTest {

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    ModelRegistry registry;
    @Autowired
    ArtifactStore store;
    @Autowired
    Limits limits;
    @Autowired
    JobQueue queue;

    TestTenants.Tenant alice;
    TestTenants.Tenant bob;

    @BeforeEach
    void setUp() {
        alice = TestTenants.create(port, "alice");
        bob = TestTenants.create(port, "bob");
    }

    @Test
    void aTenantAtItsDatasetQuotaGets403AndNothingIsStored() {
        assertThat(upload(alice.api()).status()).isEqualTo(201);
        assertThat(upload(alice.api()).status()).isEqualTo(201);
        long datasets = jdbc.sql("SELECT count(*) FROM datasets").query(Long.class).single();

        ApiClient.Response third = upload(alice.api());

        assertThat(third.status()).isEqualTo(403);
        assertThat(third.json().get("type").asString()).isEqualTo("/problems/quota-exceeded");
        assertThat(third.json().get("detail").asString()).contains("2 datasets", "graft.limits.datasets-per-tenant");
        assertThat(jdbc.sql("SELECT count(*) FROM datasets").query(Long.class).single()).isEqualTo(datasets);
        assertThat(upload(bob.api()).status()).as("another tenant's quota is its own").isEqualTo(201);
    }

    @Test
    void anUploadBeyondTheTenantsUploadsInFlightGets429WithRetryAfter() {
        try (Limits.UploadSlot busy = limits.startUpload(new Caller(alice.id(), null))) {
            ApiClient.Response refused = upload(alice.api());
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.header("Retry-After")).isEqualTo("1");
            assertThat(refused.json().get("detail").asString()).contains("1 uploads in progress");
            assertThat(upload(bob.api()).status()).isEqualTo(201);
        }
        assertThat(upload(alice.api()).status()).as("the slot is free again").isEqualTo(201);
    }

    @Test
    void predictionsBeyondTheKeysRateGet429WithRetryAfter() {
        String model = new TrainedModels(jdbc, registry, store).forTenant(alice.id()).tabular("rate");
        byte[] body = "{\"instances\": [[1.0, -1.0]]}".getBytes(StandardCharsets.UTF_8);
        assertThat(alice.api().post("/v1/models/" + model + ":predict", "application/json", body).status()).isEqualTo(200);
        assertThat(alice.api().post("/v1/models/" + model + ":predict", "application/json", body).status()).isEqualTo(200);

        ApiClient.Response third = alice.api().post("/v1/models/" + model + ":predict", "application/json", body);

        assertThat(third.status()).isEqualTo(429);
        assertThat(third.json().get("type").asString()).isEqualTo("/problems/rate-limited");
        assertThat(Integer.parseInt(third.header("Retry-After"))).isBetween(1, 20);
        // Bob's key has its own bucket: his request is judged on its merits (an unknown model).
        assertThat(bob.api().post("/v1/models/" + model + ":predict", "application/json", body).status()).isEqualTo(404);
    }

    @Test
    void aJobBeyondTheModelQuotaIsRefusedAndNothingIsQueued() {
        new TrainedModels(jdbc, registry, store).forTenant(alice.id()).tabular("quota");
        String dataset = upload(alice.api()).json().get("id").asString();

        ApiClient.Response job = createJob(alice.api(), dataset);

        assertThat(job.status()).isEqualTo(403);
        assertThat(job.json().get("detail").asString()).contains("graft.limits.models-per-tenant");
        assertThat(alice.api().get("/v1/fine_tuning/jobs?status=queued").json().get("data")).isEmpty();
    }

    @Test
    void jobsBeyondTheTenantsRunningLimitWaitQueuedAndSaySo() {
        TestDatabase.cancelLeftoverJobs(jdbc);
        String aliceData = upload(alice.api()).json().get("id").asString();
        String bobData = upload(bob.api()).json().get("id").asString();
        String first = createJob(alice.api(), aliceData).json().get("id").asString();
        String bobs = createJob(bob.api(), bobData).json().get("id").asString();
        String second = insertQueuedJob(alice.id(), aliceData);

        Optional<JobRow> claim1 = queue.claim("w1", Duration.ofMinutes(1));
        Optional<JobRow> claim2 = queue.claim("w2", Duration.ofMinutes(1));
        Optional<JobRow> claim3 = queue.claim("w3", Duration.ofMinutes(1));

        assertThat(claim1).map(JobRow::id).contains(first);
        assertThat(claim2).as("Alice is at her limit: Bob's younger job goes first").map(JobRow::id).contains(bobs);
        assertThat(claim3).isEmpty();
        JsonNode waiting = alice.api().get("/v1/fine_tuning/jobs/" + second).json();
        assertThat(waiting.get("status").asString()).isEqualTo("queued");
        assertThat(waiting.get("max_running_per_tenant").asInt()).isEqualTo(1);
        assertThat(waiting.get("waiting_reason").asString()).contains("limit", "graft.jobs.max-running-per-tenant");

        assertThat(queue.cancelled(first, claim1.get().leaseToken())).isTrue();

        assertThat(queue.claim("w4", Duration.ofMinutes(1))).map(JobRow::id).contains(second);
        TestDatabase.cancelLeftoverJobs(jdbc);
    }

    /** Written beside the API: its model quota of 1 (counting queued jobs) would refuse Alice a second job. */
    private String insertQueuedJob(String tenant, String dataset) {
        String id = dev.graft.web.Ids.newId("ftjob");
        jdbc.sql("""
                INSERT INTO fine_tuning_jobs (id, tenant_id, status, base_model, dataset_id, strategy, hyperparameters, seed, max_attempts)
                VALUES (:id, :tenant, 'queued', 'arch-mlp', :dataset, 'full', CAST(:hp AS jsonb), 1, 3)
                """).param("id", id).param("tenant", tenant).param("dataset", dataset)
                .param("hp", Fixtures.RESOLVED_HYPERPARAMETERS).update();
        return id;
    }

    private static ApiClient.Response upload(ApiClient api) {
        return api.upload("/v1/datasets", Multipart.form().field("format", "csv")
                .file("file", "l.csv", "text/csv", Fixtures.csv(new String[] {"a", "b"}, 10)));
    }

    private static ApiClient.Response createJob(ApiClient api, String dataset) {
        return api.post("/v1/fine_tuning/jobs", "application/json",
                ("{\"base_model\": \"arch-mlp\", \"dataset\": \"" + dataset + "\"}").getBytes(StandardCharsets.UTF_8));
    }
}
