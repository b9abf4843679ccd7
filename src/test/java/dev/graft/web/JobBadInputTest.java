package dev.graft.web;

import static dev.graft.support.BadInput.Call.get;
import static dev.graft.support.BadInput.Call.json;
import static dev.graft.support.BadInput.Call.post;
import static dev.graft.support.BadInput.bad;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.graft.storage.StorageProperties;
import dev.graft.support.ApiClient;
import dev.graft.support.BadInput;
import dev.graft.support.Fixtures;
import dev.graft.support.GraftServerTest;
import dev.graft.support.Multipart;
import dev.graft.support.StoredState;
import dev.graft.support.TestDatabase;

/**
 * Bad requests to the fine-tuning jobs API: each is a 4xx problem naming the field (by JSON
 * pointer), parameter or id at fault, and none queues, changes or cancels a job.
 */
@GraftServerTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobBadInputTest {

    private static final String KEY = "bad-input-" + System.nanoTime();

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    StorageProperties storage;

    ApiClient api;
    String dataset;
    String job;

    /** A dataset and a job made with an idempotency key, then cancelled: it has events, and no worker may take it. */
    @BeforeAll
    void aCancelledJob() {
        TestDatabase.cancelLeftoverJobs(jdbc);
        api = ApiClient.on(port);
        dataset = api.upload("/v1/datasets", Multipart.form().field("format", "csv")
                .file("file", "ok.csv", "text/csv", Fixtures.csv(new String[] {"a", "b"}, 10))).json().get("id").asString();
        ApiClient.Response created = api.send("POST", "/v1/fine_tuning/jobs", "application/json", bytes(body("")), null,
                "Idempotency-Key", KEY);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        job = created.json().get("id").asString();
        assertThat(api.post("/v1/fine_tuning/jobs/" + job + "/cancel", null, null).status()).isEqualTo(200);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isRefusedWithAProblemNamingTheFaultAndChangesNoJob(BadInput input) {
        input.assertRefusedBy(api, () -> StoredState.read(jdbc, storage.root()));
    }

    Stream<BadInput> cases() {
        String jobs = "/v1/fine_tuning/jobs";
        String one = jobs + "/" + job;
        return Stream.of(
                // The body as JSON
                bad("unterminated JSON", json(jobs, "{\"base_model\": "), 400, "not valid JSON"),
                bad("empty body", json(jobs, ""), 400, "body is missing"),
                bad("JSON string with invalid UTF-8", post(jobs, "application/json", invalidUtf8InSuffix()), 400, "UTF-8"),
                bad("trailing garbage after the object", json(jobs, body("") + " {}"), 400, "unexpected content after the JSON value"),
                bad("JSON nested 5000 deep", json(jobs, "[".repeat(5000) + "]".repeat(5000)), 400, "nesting depth"),
                bad("body that is a string", json(jobs, "\"arch-mlp\""), 422, "the body must be a JSON object"),
                bad("body that is null", json(jobs, "null"), 422, "must be a JSON object"),
                bad("text/plain body", post(jobs, "text/plain", bytes(body(""))), 415, "text/plain"),
                bad("form-encoded body", post(jobs, "application/x-www-form-urlencoded", bytes("base_model=arch-mlp")), 415,
                        "application/x-www-form-urlencoded"),
                // Fields
                bad("OpenAI's training_file instead of dataset", json(jobs, "{\"base_model\": \"arch-mlp\", \"training_file\": \""
                        + dataset + "\"}"), 422, "/training_file"),
                bad("misspelt field", json(jobs, body(", \"hyperparameter\": {}")), 422, "/hyperparameter"),
                bad("base model that is a number", json(jobs, "{\"base_model\": 7, \"dataset\": \"" + dataset + "\"}"), 422, "/base_model"),
                bad("blank dataset", json(jobs, "{\"base_model\": \"arch-mlp\", \"dataset\": \"  \"}"), 422, "/dataset"),
                bad("unknown dataset", json(jobs, "{\"base_model\": \"arch-mlp\", \"dataset\": \"ds_gone\"}"), 422, "ds_gone"),
                bad("strategy that is an array", json(jobs, body(", \"strategy\": [\"full\"]")), 422, "/strategy"),
                bad("feature extraction with augmentation", json(jobs, body(", \"strategy\": \"feature_extraction\", "
                        + "\"hyperparameters\": {\"augment\": true}")), 422, "/hyperparameters/augment"),
                bad("hyperparameters that are a string", json(jobs, body(", \"hyperparameters\": \"auto\"")), 422, "/hyperparameters"),
                bad("epochs beyond 64 bits", json(jobs, hyper("n_epochs", "100000000000000000000")), 422, "/hyperparameters/n_epochs"),
                bad("epochs beyond an int", json(jobs, hyper("n_epochs", "4294967297")), 422, "/hyperparameters/n_epochs"),
                bad("negative batch size", json(jobs, hyper("batch_size", "-1")), 422, "/hyperparameters/batch_size"),
                bad("learning rate of zero", json(jobs, hyper("learning_rate", "0")), 422, "/hyperparameters/learning_rate"),
                bad("learning rate beyond a double", json(jobs, hyper("learning_rate", "1e400")), 422, "/hyperparameters/learning_rate"),
                bad("augment of \"auto \" with a space", json(jobs, hyper("augment", "\"auto \"")), 422, "/hyperparameters/augment"),
                bad("unknown hyperparameter set to auto", json(jobs, hyper("momentum", "\"auto\"")), 422, "/hyperparameters/momentum"),
                bad("seed of 2^64", json(jobs, body(", \"seed\": 18446744073709551616")), 422, "/seed"),
                bad("fractional seed", json(jobs, body(", \"seed\": 1.5")), 422, "/seed"),
                bad("priority beyond 64 bits", json(jobs, body(", \"priority\": 100000000000000000000")), 422, "/priority"),
                bad("priority below -100", json(jobs, body(", \"priority\": -101")), 422, "/priority"),
                bad("priority that is a boolean", json(jobs, body(", \"priority\": true")), 422, "/priority"),
                bad("max_duration of zero", json(jobs, body(", \"max_duration\": 0")), 422, "/max_duration"),
                bad("max_duration past graft.jobs.max-duration-limit", json(jobs, body(", \"max_duration\": 604801")), 422,
                        "from 1 to 604800"),
                bad("max_duration beyond 64 bits", json(jobs, body(", \"max_duration\": 100000000000000000000")), 422, "/max_duration"),
                bad("max_duration as a duration string", json(jobs, body(", \"max_duration\": \"2h\"")), 422, "/max_duration"),
                bad("fractional max_duration", json(jobs, body(", \"max_duration\": 90.5")), 422, "/max_duration"),
                bad("negative max_duration", json(jobs, body(", \"max_duration\": -1")), 422, "/max_duration"),
                bad("validation fraction of zero", json(jobs, body(", \"validation_fraction\": 0")), 422, "/validation_fraction"),
                bad("validation fraction as a string", json(jobs, body(", \"validation_fraction\": \"0.2\"")), 422, "/validation_fraction"),
                bad("suffix of 41 characters", json(jobs, body(", \"suffix\": \"" + "s".repeat(41) + "\"")), 422, "/suffix"),
                bad("suffix with capitals and spaces", json(jobs, body(", \"suffix\": \"My Model\"")), 422, "/suffix"),
                bad("metadata with 17 keys", json(jobs, body(", \"metadata\": {" + IntStream.range(0, 17)
                        .mapToObj(i -> "\"k" + i + "\": \"v\"").collect(Collectors.joining(", ")) + "}")), 422, "/metadata"),
                bad("metadata value of 513 characters", json(jobs, body(", \"metadata\": {\"note\": \"" + "x".repeat(513) + "\"}")),
                        422, "/metadata/note"),
                bad("metadata key of 65 characters", json(jobs, body(", \"metadata\": {\"" + "k".repeat(65) + "\": \"v\"}")), 422,
                        "/metadata/kkkk"),
                bad("metadata that is an array", json(jobs, body(", \"metadata\": [\"a\"]")), 422, "/metadata"),
                // Headers
                bad("idempotency key of 256 characters", json(jobs, body("")).header("Idempotency-Key", "k".repeat(256)), 400,
                        "Idempotency-Key: must be 1 to 255"),
                bad("idempotency key reused with another body", json(jobs, body(", \"seed\": 3")).header("Idempotency-Key", KEY), 409,
                        KEY),
                // Reads, cancel, events, checkpoints
                bad("list with an unknown status", get(jobs + "?status=done"), 400, "status: must be one of"),
                bad("list with a limit of -1", get(jobs + "?limit=-1"), 400, "was -1"),
                bad("list with a limit that is not a number", get(jobs + "?limit=ten"), 400, "limit: has an invalid value 'ten'"),
                bad("list after an unknown job", get(jobs + "?after=ftjob_gone"), 400, "ftjob_gone"),
                bad("unknown job", get(jobs + "/ftjob_gone"), 404, "ftjob_gone"),
                bad("cancel of an unknown job", post(jobs + "/ftjob_gone/cancel", null, null), 404, "ftjob_gone"),
                bad("cancel of a cancelled job", post(one + "/cancel", null, null), 409, job + " is already cancelled"),
                bad("GET on cancel", get(one + "/cancel").method("GET"), 405, "'GET' is not supported"),
                bad("events of an unknown job", get(jobs + "/ftjob_gone/events"), 404, "ftjob_gone"),
                bad("events after an unknown event", get(one + "/events?after=ftevt_gone"), 400, "ftevt_gone"),
                bad("events with a limit of 0", get(one + "/events?limit=0"), 400, "was 0"),
                bad("events with a fractional limit", get(one + "/events?limit=1.5"), 400, "limit: has an invalid value '1.5'"),
                bad("event stream after an unknown Last-Event-ID", get(one + "/events").accept("text/event-stream")
                        .header("Last-Event-ID", "ftevt_gone"), 400, "Last-Event-ID"),
                bad("event stream of an unknown job", get(jobs + "/ftjob_gone/events").accept("text/event-stream"), 404, "ftjob_gone"),
                bad("checkpoints of an unknown job", get(jobs + "/ftjob_gone/checkpoints"), 404, "ftjob_gone"),
                bad("checkpoints after an unknown checkpoint", get(one + "/checkpoints?after=ftckpt_gone"), 400, "ftckpt_gone"),
                bad("checkpoints with a limit of 1000", get(one + "/checkpoints?limit=1000"), 400, "was 1000"),
                bad("results of an unknown job", get(jobs + "/ftjob_gone/results").accept("text/csv"), 404, "ftjob_gone"));
    }

    /** A valid job body on the test's dataset, with more fields after {@code more}'s leading comma. */
    private String body(String more) {
        return "{\"base_model\": \"arch-mlp\", \"dataset\": \"" + dataset + "\"" + more + "}";
    }

    private String hyper(String name, String value) {
        return body(", \"hyperparameters\": {\"" + name + "\": " + value + "}");
    }

    /** A body whose suffix holds 0xC3 followed by '(' : a lead byte without its continuation. */
    private byte[] invalidUtf8InSuffix() {
        byte[] body = bytes(body(", \"suffix\": \"ab@\""));
        int at = new String(body, StandardCharsets.UTF_8).indexOf('@');
        body[at] = (byte) 0xC3;
        byte[] out = new byte[body.length + 1];
        System.arraycopy(body, 0, out, 0, at + 1);
        out[at + 1] = '(';
        System.arraycopy(body, at + 1, out, at + 2, body.length - at - 1);
        return out;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
