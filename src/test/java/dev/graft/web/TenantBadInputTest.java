package dev.graft.web;

import static dev.graft.support.BadInput.bad;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

import dev.graft.model.ModelRegistry;
import dev.graft.security.Caller;
import dev.graft.storage.ArtifactStore;
import dev.graft.storage.StorageProperties;
import dev.graft.support.ApiClient;
import dev.graft.support.BadInput;
import dev.graft.support.BadInput.Call;
import dev.graft.support.Fixtures;
import dev.graft.support.GraftServerTest;
import dev.graft.support.Multipart;
import dev.graft.support.StoredState;
import dev.graft.support.TestDatabase;
import dev.graft.support.TestTenants;
import dev.graft.support.TrainedModels;

/**
 * The bad inputs of a multi-tenant service: another tenant's ids (answered as missing ones, and
 * nothing of theirs touched), requests without a live key, and bad admin requests.
 */
@GraftServerTest
@TestPropertySource(properties = TestTenants.ADMIN_KEY_PROPERTY)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TenantBadInputTest {

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    StorageProperties storage;
    @Autowired
    ModelRegistry registry;
    @Autowired
    ArtifactStore store;

    TestTenants.Tenant alice;
    TestTenants.Tenant bob;
    String revokedKey;
    String dataset;
    String job;
    String model;
    String ownDataset;

    @BeforeAll
    void alicesResources() {
        TestDatabase.cancelLeftoverJobs(jdbc);
        alice = TestTenants.create(port, "alice");
        bob = TestTenants.create(port, "bob");
        TestTenants.Tenant gone = TestTenants.create(port, "gone");
        revokedKey = gone.key();
        String keyId = admin().get("/v1/admin/tenants/" + gone.id() + "/keys").json().get("data").get(0).get("id").asString();
        assertThat(admin().delete("/v1/admin/keys/" + keyId).status()).isEqualTo(200);
        dataset = upload(alice.api());
        ownDataset = upload(bob.api());
        job = alice.api().post("/v1/fine_tuning/jobs", "application/json", ("{\"base_model\": \"arch-mlp\", \"dataset\": \""
                + dataset + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8)).json().get("id").asString();
        model = new TrainedModels(jdbc, registry, store).forTenant(alice.id()).tabular("alice");
    }

    Stream<BadInput> anotherTenantsIds() {
        return Stream.of(
                bad("another tenant's dataset", Call.get("/v1/datasets/" + dataset), 404, dataset),
                bad("another tenant's dataset split", Call.get("/v1/datasets/" + dataset + "/split"), 404, dataset),
                bad("deleting another tenant's dataset", Call.delete("/v1/datasets/" + dataset), 404, dataset),
                bad("another tenant's dataset as a list cursor", Call.get("/v1/datasets?after=" + dataset), 400, "after"),
                bad("another tenant's job", Call.get("/v1/fine_tuning/jobs/" + job), 404, job),
                bad("cancelling another tenant's job", Call.post("/v1/fine_tuning/jobs/" + job + "/cancel", null, null), 404, job),
                bad("another tenant's job events", Call.get("/v1/fine_tuning/jobs/" + job + "/events"), 404, job),
                bad("another tenant's job checkpoints", Call.get("/v1/fine_tuning/jobs/" + job + "/checkpoints"), 404, job),
                bad("another tenant's job results", Call.get("/v1/fine_tuning/jobs/" + job + "/results"), 404, job),
                bad("another tenant's job as a list cursor", Call.get("/v1/fine_tuning/jobs?after=" + job), 400, "after"),
                bad("another tenant's model", Call.get("/v1/models/" + model), 404, model),
                bad("another tenant's model artifact", Call.get("/v1/models/" + model + "/artifact"), 404, model),
                bad("deleting another tenant's model", Call.delete("/v1/models/" + model), 404, model),
                bad("predicting with another tenant's model", Call.json("/v1/models/" + model + ":predict",
                        "{\"instances\": [[1.0, -1.0]]}"), 404, model),
                bad("training on another tenant's dataset", Call.json("/v1/fine_tuning/jobs",
                        "{\"base_model\": \"arch-mlp\", \"dataset\": \"" + dataset + "\"}"), 422, "/dataset"),
                bad("training from another tenant's model", Call.json("/v1/fine_tuning/jobs",
                        "{\"base_model\": \"" + model + "\", \"dataset\": \"" + ownDataset + "\"}"), 422, "/base_model"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("anotherTenantsIds")
    void anotherTenantsIdAnswersAsAMissingOneAndTouchesNothing(BadInput input) {
        input.assertRefusedBy(bob.api().unchecked(), this::state);
    }

    Stream<BadInput> withoutALiveKey() {
        return Stream.of(
                bad("no key: list datasets", Call.get("/v1/datasets"), 401, "Authorization"),
                bad("no key: upload", Call.upload("/v1/datasets", form()), 401, "Authorization"),
                bad("no key: create a job", Call.json("/v1/fine_tuning/jobs", "{\"base_model\": \"arch-mlp\", \"dataset\": \""
                        + dataset + "\"}"), 401, "Authorization"),
                bad("no key: predict", Call.json("/v1/models/" + model + ":predict", "{\"instances\": [[1.0, -1.0]]}"), 401,
                        "Authorization"),
                bad("no key: delete a model", Call.delete("/v1/models/" + model), 401, "Authorization"),
                bad("no key: admin", Call.get("/v1/admin/tenants"), 401, "admin key"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("withoutALiveKey")
    void aRequestWithoutAKeyIsRefused(BadInput input) {
        input.assertRefusedBy(ApiClient.on(port).unchecked(), this::state);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("withoutALiveKey")
    void aRequestWithARevokedKeyIsRefused(BadInput input) {
        input.assertRefusedBy(ApiClient.on(port).unchecked().withKey(revokedKey), this::state);
    }

    Stream<BadInput> withTheAdminKey() {
        return Stream.of(
                bad("admin key: list datasets", Call.get("/v1/datasets"), 403, "/v1/admin/"),
                bad("admin key: upload", Call.upload("/v1/datasets", form()), 403, "/v1/admin/"),
                bad("admin key: read a tenant's dataset", Call.get("/v1/datasets/" + dataset), 403, "/v1/admin/"),
                bad("admin key: predict", Call.json("/v1/models/" + model + ":predict", "{\"instances\": [[1.0, -1.0]]}"), 403,
                        "/v1/admin/"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("withTheAdminKey")
    void theAdminKeyOnATenantRouteIsRefusedSayingWhereItWorks(BadInput input) {
        input.assertRefusedBy(admin().unchecked(), this::state);
    }

    Stream<BadInput> withATenantKeyOnTheAdminApi() {
        return Stream.of(
                bad("tenant key: list tenants", Call.get("/v1/admin/tenants"), 403, "admin key"),
                bad("tenant key: read a tenant", Call.get("/v1/admin/tenants/" + alice.id()), 403, "admin key"),
                bad("tenant key: create a tenant", Call.json("/v1/admin/tenants", "{\"name\": \"bobs-own\"}"), 403, "admin key"),
                bad("tenant key: a key for another tenant", Call.json("/v1/admin/tenants/" + alice.id() + "/keys", "{}"), 403,
                        "admin key"),
                bad("tenant key: revoke a key", Call.delete("/v1/admin/keys/key_000000000000000000000000"), 403, "admin key"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("withATenantKeyOnTheAdminApi")
    void aTenantKeyOnTheAdminApiIsRefused(BadInput input) {
        input.assertRefusedBy(bob.api().unchecked(), this::state);
    }

    Stream<BadInput> badAdminRequests() {
        return Stream.of(
                bad("tenant without a name", Call.json("/v1/admin/tenants", "{}"), 400, "/name"),
                bad("tenant name of the wrong type", Call.json("/v1/admin/tenants", "{\"name\": 7}"), 400, "/name"),
                bad("tenant with an unknown field", Call.json("/v1/admin/tenants", "{\"name\": \"x\", \"plan\": 1}"), 400, "/plan"),
                bad("tenant body not an object", Call.json("/v1/admin/tenants", "[\"x\"]"), 400, "body"),
                bad("tenant body not JSON", Call.json("/v1/admin/tenants", "{\"name\": "), 400, "JSON"),
                bad("tenant name taken", Call.json("/v1/admin/tenants", "{\"name\": \"default\"}"), 409, "default"),
                bad("key for an unknown tenant", Call.json("/v1/admin/tenants/tenant_000000000000000000000000/keys", "{}"), 404,
                        "tenant_000000000000000000000000"),
                bad("key name too long", Call.json("/v1/admin/tenants/" + Caller.DEFAULT_TENANT + "/keys",
                        "{\"name\": \"" + "k".repeat(101) + "\"}"), 400, "/name"),
                bad("revoking an unknown key", Call.delete("/v1/admin/keys/key_000000000000000000000000"), 404,
                        "key_000000000000000000000000"),
                bad("tenants page too big", Call.get("/v1/admin/tenants?limit=1000"), 400, "limit"),
                bad("tenants cursor unknown", Call.get("/v1/admin/tenants?after=tenant_nope"), 400, "after"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badAdminRequests")
    void aBadAdminRequestIsRefusedAndChangesNothing(BadInput input) {
        input.assertRefusedBy(admin().unchecked(), this::state);
    }

    private StoredState state() {
        return StoredState.read(jdbc, storage.root());
    }

    private ApiClient admin() {
        return ApiClient.on(port).withKey(TestTenants.ADMIN_KEY);
    }

    private static Multipart form() {
        return Multipart.form().field("format", "csv").file("file", "t.csv", "text/csv", Fixtures.csv(new String[] {"a", "b"}, 10));
    }

    private static String upload(ApiClient api) {
        return api.upload("/v1/datasets", form()).json().get("id").asString();
    }
}
