package dev.graft.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

import dev.graft.support.ApiClient;
import dev.graft.support.Fixtures;
import dev.graft.support.GraftServerTest;
import dev.graft.support.Multipart;

/** The jobs API without workers (mode api): creation, validation, idempotency, cancel of queued jobs, events. */
@GraftServerTest
class JobApiTest {

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;

    ApiClient api;
    String dataset;

    @BeforeEach
    void setUp() {
        api = ApiClient.on(port);
        dataset = api.upload("/v1/datasets", Multipart.form().field("format", "csv")
                .file("file", "j.csv", "text/csv", Fixtures.csv(new String[] {"a", "b"}, 30))).json().get("id").asString();
    }

    @Test
    void anAutoJobShowsWhatTheClientFixedAndAutoForTheRestUntilItsSearchChooses() {
        ApiClient.Response created = post("{\"base_model\": \"arch-mlp\", \"dataset\": \"" + dataset
                + "\", \"hyperparameters\": {\"n_epochs\": 4, \"batch_size\": \"auto\"}, \"seed\": 7, \"suffix\": \"blobs\","
                + " \"metadata\": {\"team\": \"vision\"}}", null);

        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        JsonNode job = created.json();
        assertThat(job.get("id").asString()).startsWith("ftjob_");
        assertThat(job.get("object").asString()).isEqualTo("fine_tuning.job");
        assertThat(job.get("status").asString()).isEqualTo("queued");
        assertThat(job.get("strategy").asString()).isEqualTo("auto");
        assertThat(job.get("hyperparameters").get("n_epochs").asInt()).isEqualTo(4);
        assertThat(job.get("hyperparameters").get("batch_size").asString()).isEqualTo("auto");
        assertThat(job.get("hyperparameters").get("learning_rate").asString()).isEqualTo("auto");
        assertThat(job.get("search").get("status").asString()).isEqualTo("pending");
        assertThat(job.get("search").get("budget").asDouble()).isEqualTo(4.0);
        assertThat(job.get("seed").asLong()).isEqualTo(7);
        assertThat(job.get("metadata").get("team").asString()).isEqualTo("vision");
        assertThat(job.get("fine_tuned_model").isNull()).isTrue();
        assertThat(api.get("/v1/fine_tuning/jobs/" + job.get("id").asString()).json()).isEqualTo(job);

        JsonNode events = api.get("/v1/fine_tuning/jobs/" + job.get("id").asString() + "/events").json();
        assertThat(types(events)).containsExactly("created", "queued");
        assertThat(api.get("/v1/fine_tuning/jobs/" + job.get("id").asString() + "/checkpoints").json().get("data")).isEmpty();
    }

    @Test
    void anExplicitStrategyShowsEveryValueItWillTrainWithAndKeepsWhatTheClientGave() {
        ApiClient.Response created = post("{\"base_model\": \"arch-mlp\", \"dataset\": \"" + dataset
                + "\", \"strategy\": \"full\", \"hyperparameters\": {\"learning_rate\": 0.05, \"augment\": false}}", null);

        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        JsonNode hp = created.json().get("hyperparameters");
        assertThat(created.json().get("strategy").asString()).isEqualTo("full");
        assertThat(created.json().get("search").isNull()).isTrue();
        assertThat(hp.get("learning_rate").asDouble()).isEqualTo(0.05);
        assertThat(hp.get("augment").asString()).isEqualTo("none");
        // The defaults, resolved: steps scaled to 48 training rows (at least 300 steps of batch 8: 50 epochs),
        // AdamW's decay, a warm-up then cosine schedule, and a from-scratch backbone at the full rate.
        assertThat(hp.get("batch_size").asInt()).isEqualTo(8);
        assertThat(hp.get("n_epochs").asInt()).isEqualTo(50);
        assertThat(hp.get("weight_decay").asDouble()).isEqualTo(0.01);
        assertThat(hp.get("learning_rate_schedule").asString()).isEqualTo("warmup_cosine");
        assertThat(hp.get("backbone_learning_rate_multiplier").asDouble()).isEqualTo(1.0);
        assertThat(hp.get("early_stopping_patience").asInt()).isEqualTo(13);
        assertThat(hp.get("class_balanced").asBoolean()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            missing base model            | {"dataset": "DS"}                                                          | /base_model
            missing dataset               | {"base_model": "arch-mlp"}                                                 | /dataset
            unknown dataset               | {"base_model": "arch-mlp", "dataset": "ds_nope"}                           | /dataset
            unknown base model            | {"base_model": "resnet-9000", "dataset": "DS"}                             | /base_model
            image model on a csv dataset  | {"base_model": "arch-cnn-small", "dataset": "DS"}                          | /base_model
            unknown strategy              | {"base_model": "arch-mlp", "dataset": "DS", "strategy": "magic"}           | /strategy
            zero epochs                   | {"base_model": "arch-mlp", "dataset": "DS", "hyperparameters": {"n_epochs": 0}}            | /hyperparameters/n_epochs
            epochs as words               | {"base_model": "arch-mlp", "dataset": "DS", "hyperparameters": {"n_epochs": "ten"}}        | /hyperparameters/n_epochs
            fractional epochs             | {"base_model": "arch-mlp", "dataset": "DS", "hyperparameters": {"n_epochs": 2.5}}          | /hyperparameters/n_epochs
            huge batch                    | {"base_model": "arch-mlp", "dataset": "DS", "hyperparameters": {"batch_size": 5000}}       | /hyperparameters/batch_size
            negative learning rate        | {"base_model": "arch-mlp", "dataset": "DS", "hyperparameters": {"learning_rate": -0.1}}    | /hyperparameters/learning_rate
            learning rate as words        | {"base_model": "arch-mlp", "dataset": "DS", "hyperparameters": {"learning_rate": "fast"}}  | /hyperparameters/learning_rate
            negative patience             | {"base_model": "arch-mlp", "dataset": "DS", "hyperparameters": {"early_stopping_patience": -1}} | /hyperparameters/early_stopping_patience
            zero unfrozen layers          | {"base_model": "arch-mlp", "dataset": "DS", "hyperparameters": {"unfreeze_layers": 0}}     | /hyperparameters/unfreeze_layers
            multiplier above one          | {"base_model": "arch-mlp", "dataset": "DS", "hyperparameters": {"backbone_learning_rate_multiplier": 2}} | /hyperparameters/backbone_learning_rate_multiplier
            augment as words              | {"base_model": "arch-mlp", "dataset": "DS", "hyperparameters": {"augment": "yes"}}         | /hyperparameters/augment
            unknown hyperparameter        | {"base_model": "arch-mlp", "dataset": "DS", "hyperparameters": {"momentum": 0.9}}          | /hyperparameters/momentum
            hyperparameters not an object | {"base_model": "arch-mlp", "dataset": "DS", "hyperparameters": [1]}                        | /hyperparameters
            negative seed                 | {"base_model": "arch-mlp", "dataset": "DS", "seed": -1}                    | /seed
            seed as words                 | {"base_model": "arch-mlp", "dataset": "DS", "seed": "x"}                   | /seed
            bad suffix                    | {"base_model": "arch-mlp", "dataset": "DS", "suffix": "Bad Suffix!"}       | /suffix
            metadata value not a string   | {"base_model": "arch-mlp", "dataset": "DS", "metadata": {"k": 1}}          | /metadata/k
            priority out of range         | {"base_model": "arch-mlp", "dataset": "DS", "priority": 1000}              | /priority
            validation fraction of 1.5    | {"base_model": "arch-mlp", "dataset": "DS", "validation_fraction": 1.5}    | /validation_fraction
            unknown field                 | {"base_model": "arch-mlp", "dataset": "DS", "model": "gpt"}                | /model
            base model not a string       | {"base_model": 42, "dataset": "DS"}                                        | /base_model
            body not an object            | [1, 2]                                                                     | ''
            baseline as words             | {"base_model": "arch-mlp", "dataset": "DS", "compare_baseline": "yes"}     | /compare_baseline
            baseline of a scratch base    | {"base_model": "arch-mlp", "dataset": "DS", "compare_baseline": true}      | /compare_baseline
            max_duration of zero          | {"base_model": "arch-mlp", "dataset": "DS", "max_duration": 0}             | /max_duration
            """)
    void rejectsEachInvalidFieldNamingItAndQueuesNothing(String name, String body, String pointer) {
        long before = countJobs();

        ApiClient.Response response = api.unchecked().post("/v1/fine_tuning/jobs", "application/json",
                body.replace("DS", dataset).getBytes(StandardCharsets.UTF_8));

        assertThat(response.status()).as(response.toString()).isEqualTo(422);
        assertThat(response.json().get("type").asString()).isEqualTo("/problems/validation");
        assertThat(locations(response.json())).as(response.toString()).containsExactly(pointer);
        assertThat(countJobs()).isEqualTo(before);
    }

    @Test
    void aJobGetsTheMaxDurationItAsksForOrTheDefault() {
        JsonNode asked = post("{\"base_model\": \"arch-mlp\", \"dataset\": \"" + dataset + "\", \"max_duration\": 90}", null).json();
        JsonNode unsaid = post("{\"base_model\": \"arch-mlp\", \"dataset\": \"" + dataset + "\"}", null).json();

        assertThat(asked.get("max_duration").asLong()).isEqualTo(90);
        assertThat(unsaid.get("max_duration").asLong()).as("graft.jobs.default-max-duration").isEqualTo(24 * 3600);
        api.post("/v1/fine_tuning/jobs/" + asked.get("id").asString() + "/cancel", null, null);
        api.post("/v1/fine_tuning/jobs/" + unsaid.get("id").asString() + "/cancel", null, null);
    }

    @Test
    void malformedJsonIs400AndAWrongContentTypeIs415() {
        ApiClient.Response malformed = api.unchecked().post("/v1/fine_tuning/jobs", "application/json", "{\"base_model\": ".getBytes());
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().get("type").asString()).isEqualTo("/problems/invalid-request");

        ApiClient.Response text = api.unchecked().post("/v1/fine_tuning/jobs", "text/plain", "hello".getBytes());
        assertThat(text.status()).isEqualTo(415);
    }

    @Test
    void anIdempotencyKeyReplaysTheOriginalJobAndRefusesADifferentBody() {
        String key = "key-" + System.nanoTime();
        String body = "{\"base_model\": \"arch-mlp\", \"dataset\": \"" + dataset + "\", \"seed\": 1}";
        String sameBodyOtherOrder = "{ \"seed\": 1,\n \"dataset\": \"" + dataset + "\", \"base_model\": \"arch-mlp\" }";

        ApiClient.Response first = post(body, key);
        ApiClient.Response again = post(sameBodyOtherOrder, key);
        ApiClient.Response different = post("{\"base_model\": \"arch-mlp\", \"dataset\": \"" + dataset + "\", \"seed\": 2}", key);
        ApiClient.Response otherKey = post(body, key + "-2");

        assertThat(first.status()).isEqualTo(201);
        assertThat(first.header("Idempotent-Replayed")).isNull();
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(again.json().get("id")).isEqualTo(first.json().get("id"));
        assertThat(different.status()).isEqualTo(409);
        assertThat(different.json().get("detail").asString()).contains(key);
        assertThat(otherKey.json().get("id")).isNotEqualTo(first.json().get("id"));
        assertThat(jdbc.sql("SELECT count(*) FROM fine_tuning_jobs WHERE idempotency_key = :k").param("k", key)
                .query(Integer.class).single()).isEqualTo(1);
    }

    @Test
    void cancellingAQueuedJobIsImmediateAndItsEventStreamEnds() {
        String id = post("{\"base_model\": \"arch-mlp\", \"dataset\": \"" + dataset + "\"}", null).json().get("id").asString();

        ApiClient.Response cancelled = api.post("/v1/fine_tuning/jobs/" + id + "/cancel", null, null);

        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(cancelled.json().get("status").asString()).isEqualTo("cancelled");
        assertThat(cancelled.json().get("finished_at").isNull()).isFalse();
        assertThat(api.post("/v1/fine_tuning/jobs/" + id + "/cancel", null, null).status()).isEqualTo(409);

        ApiClient.Response stream = api.send("GET", "/v1/fine_tuning/jobs/" + id + "/events", null, null, "text/event-stream");
        assertThat(stream.status()).isEqualTo(200);
        assertThat(stream.contentType()).startsWith("text/event-stream");
        assertThat(stream.body()).contains("event:created").contains("event:queued").contains("event:cancelled");

        JsonNode events = api.get("/v1/fine_tuning/jobs/" + id + "/events").json();
        String firstId = events.get("data").get(0).get("id").asString();
        JsonNode rest = api.get("/v1/fine_tuning/jobs/" + id + "/events?after=" + firstId).json();
        assertThat(types(rest)).containsExactly("queued", "cancelled");

        ApiClient.Response resumed = api.send("GET", "/v1/fine_tuning/jobs/" + id + "/events", null, null,
                "text/event-stream", "Last-Event-ID", firstId);
        assertThat(resumed.body()).doesNotContain("event:created").contains("event:queued").contains("event:cancelled");
    }

    @Test
    void listsJobsByStatusAndRefusesUnknownStatuses() {
        String id = post("{\"base_model\": \"arch-mlp\", \"dataset\": \"" + dataset + "\"}", null).json().get("id").asString();
        api.post("/v1/fine_tuning/jobs/" + id + "/cancel", null, null);

        JsonNode cancelled = api.get("/v1/fine_tuning/jobs?status=cancelled&limit=100").json();
        List<String> ids = new ArrayList<>();
        cancelled.get("data").forEach(j -> {
            ids.add(j.get("id").asString());
            assertThat(j.get("status").asString()).isEqualTo("cancelled");
        });
        assertThat(ids).contains(id);
        assertThat(api.unchecked().get("/v1/fine_tuning/jobs?status=sleeping").status()).isEqualTo(400);
        assertThat(api.get("/v1/fine_tuning/jobs/ftjob_missing").status()).isEqualTo(404);
    }

    @Test
    void aDatasetCannotBeDeletedWhileAQueuedJobNeedsIt() {
        String id = post("{\"base_model\": \"arch-mlp\", \"dataset\": \"" + dataset + "\"}", null).json().get("id").asString();

        ApiClient.Response refused = api.delete("/v1/datasets/" + dataset);

        assertThat(refused.status()).isEqualTo(409);
        api.post("/v1/fine_tuning/jobs/" + id + "/cancel", null, null);
        assertThat(api.delete("/v1/datasets/" + dataset).status()).isEqualTo(200);
    }

    private ApiClient.Response post(String body, String idempotencyKey) {
        if (idempotencyKey == null) {
            return api.post("/v1/fine_tuning/jobs", "application/json", body.getBytes(StandardCharsets.UTF_8));
        }
        return api.send("POST", "/v1/fine_tuning/jobs", "application/json", body.getBytes(StandardCharsets.UTF_8), null,
                "Idempotency-Key", idempotencyKey);
    }

    private long countJobs() {
        return jdbc.sql("SELECT count(*) FROM fine_tuning_jobs").query(Long.class).single();
    }

    static List<String> types(JsonNode list) {
        List<String> types = new ArrayList<>();
        list.get("data").forEach(e -> types.add(e.get("type").asString()));
        return types;
    }

    static List<String> locations(JsonNode problem) {
        List<String> locations = new ArrayList<>();
        problem.get("errors").forEach(e -> locations.add(e.get("location").asString()));
        return locations;
    }
}
