package dev.graft.basemodel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

import dev.graft.storage.ArtifactStore;
import dev.graft.support.StoredState;
import dev.graft.support.ApiClient;
import dev.graft.support.Fixtures;
import dev.graft.support.GraftServerTest;
import dev.graft.support.Multipart;
import dev.graft.support.TestDatabase;

/**
 * {@code POST /v1/models} from a URL, against a real HTTP server on loopback that the test's
 * configuration allows (127.0.0.1 as host and as the one private address). 169.254.169.254 (the
 * cloud metadata address, the classic SSRF target) is an allowed host name too, so that a redirect
 * to it is refused for its address, not its name.
 */
@GraftServerTest
@DirtiesContext
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestPropertySource(properties = {"graft.mode=all", "graft.worker.processes=1", "graft.worker.jvm-options=-Xmx1g",
        "graft.hub.allowed-hosts=127.0.0.1,169.254.169.254", "graft.hub.allow-private-addresses=127.0.0.1",
        "graft.hub.max-download-size=64KB", "graft.hub.read-timeout=5s"})
class UrlImportApiTest {

    static final Path BACKBONE = Path.of("src/test/resources/torchscript/tiny-backbone.pt");
    static final String DESCRIPTOR = """
            {"modality": "image", "input_shape": [1, 16, 16], "output": "embeddings", "embedding_size": 16}""";

    static final String LOGITS_DESCRIPTOR = """
            {"modality": "image", "input_shape": [1, 16, 16], "output": "logits", "embedding_size": 3}""";

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    ArtifactStore store;

    ApiClient api;
    HttpServer server;
    byte[] backbone;
    String sha256;
    byte[] logits;
    final AtomicInteger noRangeRequests = new AtomicInteger();
    final List<String> ranges = new CopyOnWriteArrayList<>();
    final AtomicInteger cutRequests = new AtomicInteger();

    @BeforeAll
    void startServer() throws IOException {
        backbone = Files.readAllBytes(BACKBONE);
        sha256 = sha256(backbone);
        logits = Files.readAllBytes(BACKBONE.resolveSibling("tiny-logits.pt"));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        // A thread per exchange: the stalling handler must not hold up the others.
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "test-hub");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/stall/tiny-logits.pt", exchange -> {
            exchange.sendResponseHeaders(200, logits.length);
            exchange.getResponseBody().write(logits, 0, logits.length / 2);
            exchange.getResponseBody().flush();
            try {
                Thread.sleep(60_000); // far past graft.hub.read-timeout (5 s)
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        server.createContext("/no-ranges/tiny-logits.pt", exchange -> {
            if (noRangeRequests.incrementAndGet() == 1) {
                exchange.sendResponseHeaders(200, logits.length);
                exchange.getResponseBody().write(logits, 0, logits.length / 3);
                exchange.getResponseBody().flush();
                exchange.close();
                return;
            }
            // A server without range support answers the whole file: the download starts over.
            exchange.sendResponseHeaders(200, logits.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(logits);
            }
        });
        server.createContext("/files/tiny-backbone.pt", this::serveWithRanges);
        server.createContext("/moved/tiny-backbone.pt", exchange -> redirect(exchange, base() + "/files/tiny-backbone.pt"));
        server.createContext("/metadata/model.pt", exchange -> redirect(exchange, "http://169.254.169.254/latest/meta-data/model.pt"));
        server.createContext("/big.pt", exchange -> {
            // Chunked, no Content-Length: the cap must hold while streaming, not only from the header.
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < 100; i++) {
                    out.write(new byte[1024]);
                }
            }
        });
        server.createContext("/cut/tiny-backbone.pt", exchange -> {
            if (cutRequests.incrementAndGet() == 1) {
                // Promise the whole file, send half, hang up: a connection lost mid-download.
                exchange.sendResponseHeaders(200, backbone.length);
                exchange.getResponseBody().write(backbone, 0, backbone.length / 2);
                exchange.getResponseBody().flush();
                exchange.close();
                return;
            }
            serveWithRanges(exchange);
        });
        server.start();
    }

    @AfterAll
    void stopServer() {
        server.stop(0);
    }

    @BeforeEach
    void setUp() {
        TestDatabase.cancelLeftoverJobs(jdbc);
        api = ApiClient.on(port);
    }

    @Test
    void importsAModuleFromAUrlThroughARedirectVerifiesItAndItsFineTunedModelPredicts() throws Exception {
        ApiClient.Response created = importFrom(base() + "/moved/tiny-backbone.pt", sha256, DESCRIPTOR);

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().get("id").asString();
        assertThat(created.json().get("source").asString()).isEqualTo("imported");
        assertThat(created.json().get("embedding_size").asInt()).isEqualTo(16);
        Path module = root().resolve(jdbc.sql("SELECT artifact FROM imported_models WHERE id = ?").param(id)
                .query(String.class).single());
        assertThat(module).hasBinaryContent(backbone);
        assertThat(downloads()).as("the verified download is not kept beside the import").isEmpty();

        String dataset = api.upload("/v1/datasets", Multipart.form().field("format", "image_folder")
                .file("file", "shapes.zip", "application/zip", Fixtures.imageZip(Map.of("a", 8, "b", 8))))
                .json().get("id").asString();
        ApiClient.Response job = api.post("/v1/fine_tuning/jobs", "application/json", ("{\"base_model\": \"" + id
                + "\", \"dataset\": \"" + dataset + "\", \"strategy\": \"feature_extraction\", \"seed\": 3, "
                + "\"hyperparameters\": {\"n_epochs\": 2, \"batch_size\": 8}}").getBytes(StandardCharsets.UTF_8));
        assertThat(job.status()).as(job.body()).isEqualTo(201);
        String model = awaitModel(job.json().get("id").asString());
        String instance = Base64.getEncoder().encodeToString(Fixtures.png(20, 20, 5));
        ApiClient.Response predicted = api.post("/v1/models/" + model + ":predict", "application/json",
                ("{\"instances\": [{\"b64\": \"" + instance + "\"}]}").getBytes(StandardCharsets.UTF_8));
        assertThat(predicted.status()).as(predicted.body()).isEqualTo(200);
        assertThat(predicted.json().get("predictions").get(0).get("label").asString()).isIn("a", "b");
    }

    @Test
    void aDownloadCutOffMidwayIsKeptAndTheSameRequestResumesItWithARange() {
        String url = base() + "/cut/tiny-backbone.pt";
        String descriptor = DESCRIPTOR.replace("{", "{\"id\": \"resumed-backbone\", ");

        ApiClient.Response lost = importFrom(url, sha256, descriptor);
        assertThat(lost.status()).as(lost.body()).isEqualTo(502);
        assertThat(downloads()).singleElement().satisfies(part -> assertThat(part.getFileName().toString())
                .startsWith(sha256 + "-").endsWith(".part").hasSize(64 + 1 + 16 + 5));
        assertThat(rows("resumed-backbone")).isZero();

        ApiClient.Response resumed = importFrom(url, sha256, descriptor);
        assertThat(resumed.status()).as(resumed.body()).isEqualTo(201);
        assertThat(ranges).contains("bytes=" + backbone.length / 2 + "-");
        assertThat(downloads()).isEmpty();
        assertThat(api.delete("/v1/models/resumed-backbone").status()).isEqualTo(200);
    }

    @Test
    void aServerThatStopsSendingIsGivenUpOnAfterTheReadTimeout() throws IOException {
        long start = System.nanoTime();

        ApiClient.Response stalled = importFrom(base() + "/stall/tiny-logits.pt", sha256(logits), LOGITS_DESCRIPTOR);

        assertThat(stalled.status()).as(stalled.body()).isEqualTo(502);
        assertThat(stalled.body()).contains("no data for 5 s");
        assertThat((System.nanoTime() - start) / 1e9).as("seconds to give up").isLessThan(20);
        assertThat(downloads()).singleElement().satisfies(part -> {
            assertThat(part.getFileName().toString()).startsWith(sha256(logits));
            assertThat(part).hasSize(logits.length / 2);
            Files.delete(part);
        });
    }

    @Test
    void aServerThatIgnoresTheRangeIsDownloadedAgainFromTheStart() {
        String url = base() + "/no-ranges/tiny-logits.pt";
        String descriptor = LOGITS_DESCRIPTOR.replace("{", "{\"id\": \"restarted-logits\", ");

        assertThat(importFrom(url, sha256(logits), descriptor).status()).isEqualTo(502);
        ApiClient.Response restarted = importFrom(url, sha256(logits), descriptor);

        assertThat(restarted.status()).as(restarted.body()).isEqualTo(201);
        assertThat(root().resolve(jdbc.sql("SELECT artifact FROM imported_models WHERE id = 'restarted-logits'")
                .query(String.class).single())).hasBinaryContent(logits);
        assertThat(api.delete("/v1/models/restarted-logits").status()).isEqualTo(200);
    }

    @Test
    void aWrongChecksumIsRefusedWithNothingStored() {
        assertRefusedWithNothingStored(base() + "/files/tiny-backbone.pt", "0".repeat(64), "sha256");
    }

    @Test
    void aFileOverTheSizeCapIsRefusedWithNothingStored() {
        assertRefusedWithNothingStored(base() + "/big.pt", sha256, "url");
    }

    @Test
    void aHostNotAllowedIsRefusedWithoutBeingContacted() {
        int before = ranges.size() + cutRequests.get();
        assertRefusedWithNothingStored("http://localhost:" + server.getAddress().getPort() + "/files/tiny-backbone.pt",
                sha256, "url");
        assertThat(ranges.size() + cutRequests.get()).isEqualTo(before);
    }

    @Test
    void aRedirectToAPrivateAddressIsRefusedWithNothingStored() {
        ApiClient.Response refused = assertRefusedWithNothingStored(base() + "/metadata/model.pt", sha256, "url");
        assertThat(refused.body()).contains("169.254.169.254").contains("link-local");
    }

    @Test
    void badFieldsAndOnnxAreRefusedBeforeAnyDownload() {
        ApiClient.Response refused = api.unchecked().post("/v1/models", "application/json",
                "{\"url\": \"ftp://x\", \"sha256\": \"abc\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(refused.status()).isEqualTo(422);
        assertThat(locations(refused)).containsExactly("sha256", "descriptor");

        ApiClient.Response onnx = importFrom(base() + "/files/tiny-backbone.pt", sha256,
                DESCRIPTOR.replace("{", "{\"format\": \"onnx\", "));
        assertThat(onnx.status()).isEqualTo(422);
        assertThat(locations(onnx)).contains("descriptor.format");
        assertThat(onnx.body()).contains("not supported yet");
    }

    private ApiClient.Response assertRefusedWithNothingStored(String url, String checksum, String location) {
        long rows = jdbc.sql("SELECT count(*) FROM imported_models").query(Long.class).single();
        List<String> listed = listedBaseIds();
        List<Path> files = files();

        ApiClient.Response refused = importFrom(url, checksum, DESCRIPTOR);

        assertThat(refused.status()).as(refused.body()).isEqualTo(422);
        assertThat(refused.json().get("type").asString()).isEqualTo("/problems/validation");
        assertThat(locations(refused)).containsExactly(location);
        assertThat(jdbc.sql("SELECT count(*) FROM imported_models").query(Long.class).single()).isEqualTo(rows);
        assertThat(listedBaseIds()).isEqualTo(listed);
        assertThat(files()).isEqualTo(files);
        assertThat(downloads()).isEmpty();
        return refused;
    }

    private ApiClient.Response importFrom(String url, String checksum, String descriptor) {
        return api.unchecked().post("/v1/models", "application/json", ("{\"url\": \"" + url + "\", \"sha256\": \""
                + checksum + "\", \"descriptor\": " + descriptor + "}").getBytes(StandardCharsets.UTF_8));
    }

    private void serveWithRanges(HttpExchange exchange) throws IOException {
        String range = exchange.getRequestHeaders().getFirst("Range");
        int from = 0;
        if (range != null) {
            ranges.add(range);
            from = Integer.parseInt(range.substring("bytes=".length(), range.indexOf('-')));
            exchange.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (backbone.length - 1) + "/"
                    + backbone.length);
        }
        exchange.sendResponseHeaders(range == null ? 200 : 206, backbone.length - from);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(backbone, from, backbone.length - from);
        }
    }

    private static void redirect(HttpExchange exchange, String location) throws IOException {
        exchange.getResponseHeaders().set("Location", location);
        exchange.sendResponseHeaders(302, -1);
        exchange.close();
    }

    private String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private String awaitModel(String job) throws InterruptedException {
        return api.awaitFineTunedModel(job, Duration.ofSeconds(120));
    }

    private long rows(String id) {
        return jdbc.sql("SELECT count(*) FROM imported_models WHERE id = ?").param(id).query(Long.class).single();
    }

    private List<String> listedBaseIds() {
        List<String> ids = new ArrayList<>();
        api.get("/v1/models?kind=base&limit=100").json().get("data").forEach(m -> ids.add(m.get("id").asString()));
        return ids;
    }

    private static List<String> locations(ApiClient.Response problem) {
        List<String> out = new ArrayList<>();
        problem.json().get("errors").forEach(e -> out.add(e.get("location").asString()));
        return out;
    }

    private Path root() {
        try {
            return store.directory("imports").getParent();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<Path> downloads() {
        try {
            return StoredState.regularFiles(store.directory("downloads"));
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every file in the store, staging included: imports, datasets, models, downloads. */
    private List<Path> files() {
        return StoredState.regularFiles(root());
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        }
        catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
