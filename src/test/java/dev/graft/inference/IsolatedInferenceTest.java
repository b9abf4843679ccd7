package dev.graft.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

import dev.graft.support.ApiClient;
import dev.graft.support.Await;
import dev.graft.support.Fixtures;
import dev.graft.support.GraftServerTest;
import dev.graft.support.Multipart;
import dev.graft.support.TestDatabase;

/**
 * A model fine-tuned (by a real worker) from an imported TorchScript module holds that module, which
 * is code its uploader wrote: the API serves it from a child process of its own, with a scrubbed
 * environment, and survives that process crashing or hanging. The module, {@code spins-on-white.pt},
 * is a small backbone that never returns for an image of one bright colour (see
 * scripts/make-torchscript-fixture.py: with this normalisation, a white image).
 */
@GraftServerTest
@DirtiesContext
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestPropertySource(properties = {"graft.mode=all", "graft.worker.processes=1", "graft.worker.jvm-options=-Xmx1g",
        "graft.inference.isolation.request-timeout=5s"})
class IsolatedInferenceTest {

    private static final String CHILD_MAIN = "dev.graft.inference.IsolatedInferenceProcess";

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;

    ApiClient api;
    Map<String, byte[]> images;
    String dataset;
    String model;

    @BeforeAll
    void fineTuneFromAnImportedModule() throws Exception {
        TestDatabase.cancelLeftoverJobs(jdbc);
        api = ApiClient.on(port);
        String base = api.upload("/v1/models", Multipart.form()
                .file("file", "spins-on-white.pt", "application/octet-stream",
                        Files.readAllBytes(Path.of("src/test/resources/torchscript/spins-on-white.pt")))
                .field("descriptor", """
                        {"modality": "image", "input_shape": [1, 16, 16], "output": "embeddings", "embedding_size": 16,
                         "normalisation": {"mean": [0.25], "std": [0.5]}}
                        """)).json().get("id").asString();
        images = darkAndLightImages();
        dataset = api.upload("/v1/datasets", Multipart.form().field("format", "image_folder")
                .file("file", "shades.zip", "application/zip", Fixtures.zip(images))).json().get("id").asString();
        ApiClient.Response job = api.post("/v1/fine_tuning/jobs", "application/json", ("{\"base_model\": \"" + base
                + "\", \"dataset\": \"" + dataset + "\", \"strategy\": \"feature_extraction\", \"seed\": 3,"
                + " \"hyperparameters\": {\"n_epochs\": 3, \"batch_size\": 8}}").getBytes(StandardCharsets.UTF_8));
        assertThat(job.status()).as(job.body()).isEqualTo(201);
        JsonNode done = Await.until("the fine-tuning job", Duration.ofMinutes(3),
                () -> api.get("/v1/fine_tuning/jobs/" + job.json().get("id").asString()).json(),
                view -> !List.of("queued", "running").contains(view.get("status").asString()));
        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("succeeded");
        model = done.get("fine_tuned_model").asString();
    }

    @Test
    void predictsWhatTheWorkersEvaluationPredicted() {
        JsonNode view = api.get("/v1/models/" + model).json();
        List<String> labels = new ArrayList<>();
        view.get("labels").forEach(l -> labels.add(l.asString()));
        List<JsonNode> validation = new ArrayList<>();
        api.get("/v1/datasets/" + dataset + "/split").json().get("validation").forEach(validation::add);
        List<byte[]> files = validation.stream().map(ref -> images.get(ref.get("location").asString())).toList();

        JsonNode predictions = predict(files).json().get("predictions");

        int[][] confusion = new int[labels.size()][labels.size()];
        for (int i = 0; i < validation.size(); i++) {
            confusion[labels.indexOf(validation.get(i).get("label").asString())]
                    [labels.indexOf(predictions.get(i).get("label").asString())]++;
        }
        int[][] workers = new int[labels.size()][];
        for (int i = 0; i < labels.size(); i++) {
            workers[i] = new int[labels.size()];
            for (int j = 0; j < labels.size(); j++) {
                workers[i][j] = view.get("evaluation").get("confusion_matrix").get(i).get(j).asInt();
            }
        }
        assertThat(confusion).as("confusion matrix of the API's predictions vs the worker's evaluation")
                .isEqualTo(workers);
    }

    @Test
    void servesTheModelFromAChildProcessThatSeesNoSecrets() throws IOException {
        assertThat(predict(List.of(images.get("light/img0.png"))).status()).isEqualTo(200);
        ProcessHandle child = modelProcess();

        String environment = Files.readString(Path.of("/proc", Long.toString(child.pid()), "environ"));
        List<String> names = Arrays.stream(environment.split("\0")).filter(v -> !v.isEmpty())
                .map(v -> v.split("=", 2)[0]).toList();
        assertThat(names).noneMatch(n -> n.startsWith("GRAFT_") || n.startsWith("SPRING_") || n.startsWith("JAVA_TOOL"));
        assertThat(System.getenv()).as("this JVM's environment, which the child must not inherit").containsKey(TestDatabase.URL_VARIABLE);
        String commandLine = commandLine(child);
        assertThat(commandLine).doesNotContain("jdbc:", "password", "datasource", "admin-key");
    }

    @Test
    void aKilledModelProcessAnswers503WithRetryAfterAndIsReplaced() throws Exception {
        byte[] image = images.get("dark/img1.png");
        ApiClient.Response before = predict(List.of(image));
        assertThat(before.status()).isEqualTo(200);
        ProcessHandle child = modelProcess();

        child.destroyForcibly();
        child.onExit().get(30, TimeUnit.SECONDS);
        ApiClient.Response during = predict(List.of(image));

        assertUnavailable(during);
        ApiClient.Response after = Await.until("the model process to be replaced", Duration.ofMinutes(2),
                () -> predict(List.of(image)), r -> r.status() != 503);
        assertThat(after.status()).as(after.body()).isEqualTo(200);
        assertThat(after.json().get("predictions")).isEqualTo(before.json().get("predictions"));
        assertThat(modelProcess().pid()).isNotEqualTo(child.pid());
    }

    @Test
    void aBatchThatHangsTheModuleIsStoppedWith503AndTheModelRecovers() throws Exception {
        byte[] dark = images.get("dark/img2.png");
        assertThat(predict(List.of(dark)).status()).isEqualTo(200);
        ProcessHandle child = modelProcess();

        ApiClient.Response white = predict(List.of(png(16, 16, new Random(1), 255, 255)));

        assertUnavailable(white);
        assertThat(white.json().get("detail").asString()).contains("did not answer a batch within 5 s");
        assertThat(child.onExit().get(30, TimeUnit.SECONDS).isAlive()).isFalse();
        ApiClient.Response after = Await.until("the model process to be replaced", Duration.ofMinutes(2),
                () -> predict(List.of(dark)), r -> r.status() != 503);
        assertThat(after.status()).as(after.body()).isEqualTo(200);
    }

    private void assertUnavailable(ApiClient.Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(503);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(Long.parseLong(response.header("Retry-After"))).isPositive();
        assertThat(response.json().get("request_id").asString()).isNotBlank();
    }

    private ApiClient.Response predict(List<byte[]> files) {
        StringBuilder body = new StringBuilder("{\"instances\": [");
        for (int i = 0; i < files.size(); i++) {
            body.append(i == 0 ? "" : ", ").append("{\"b64\": \"")
                    .append(Base64.getEncoder().encodeToString(files.get(i))).append("\"}");
        }
        return api.post("/v1/models/" + model + ":predict", "application/json",
                body.append("]}").toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The one live isolated model process among this JVM's children (the worker is another). */
    private static ProcessHandle modelProcess() {
        List<ProcessHandle> children = ProcessHandle.current().descendants()
                .filter(p -> p.isAlive() && commandLine(p).contains(CHILD_MAIN)).toList();
        assertThat(children).as("isolated model processes").hasSize(1);
        return children.get(0);
    }

    /** Read from /proc: ProcessHandle.Info cuts long command lines (a test classpath) short. */
    private static String commandLine(ProcessHandle process) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(process.pid()), "cmdline")).replace('\0', ' ');
        }
        catch (IOException e) {
            return "";
        }
    }

    /** Noisy dark and light images: easy to tell apart, never of one colour. */
    private static Map<String, byte[]> darkAndLightImages() {
        Random random = new Random(11);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (int i = 0; i < 12; i++) {
            entries.put("dark/img" + i + ".png", png(12, 12, random, 0, 90));
            entries.put("light/img" + i + ".png", png(12, 12, random, 160, 250));
        }
        return entries;
    }

    private static byte[] png(int width, int height, Random random, int low, int high) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int v = low + random.nextInt(high - low + 1);
                image.setRGB(x, y, new Color(v, v, v).getRGB());
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
