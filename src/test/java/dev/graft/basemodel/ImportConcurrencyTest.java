package dev.graft.basemodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

import dev.graft.storage.StorageProperties;
import dev.graft.support.ApiClient;
import dev.graft.support.Await;
import dev.graft.support.Fixtures;
import dev.graft.support.GraftServerTest;
import dev.graft.support.Multipart;
import dev.graft.support.TestDatabase;
import dev.graft.training.Input;
import dev.graft.training.ModelArtifact;

/**
 * Model imports at the same time: beyond {@code graft.imports.max-concurrent} they are refused
 * before their upload is read, and two imports of one id, forced to race to the row, leave the
 * winner's model whole.
 */
@GraftServerTest
@TestPropertySource(properties = "graft.imports.max-concurrent=2")
class ImportConcurrencyTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    DataSource dataSource;
    @Autowired
    StorageProperties storage;

    @Test
    void anImportBeyondTheConcurrentLimitGets503WithRetryAfterWhileTheOthersAreStillUploading() throws Exception {
        TestDatabase.cancelLeftoverJobs(jdbc);
        List<HeldBackUpload> uploading = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                uploading.add(new HeldBackUpload(port, importOf(Fixtures.zip(Map.of("x.txt", new byte[] {1})), null)));
            }
            // The two uploads take both slots once their headers are in; until then a third is let in
            // and refused for its missing descriptor (422), which stores nothing.
            ApiClient.Response refused = Await.until("a third import to be refused", Duration.ofSeconds(30),
                    () -> ApiClient.on(port).upload("/v1/models", Multipart.form().file("file", "m.zip", "application/zip",
                            new byte[] {1})), third -> third.status() == 503);

            assertThat(refused.header("Retry-After")).isEqualTo("5");
            assertThat(refused.json().get("detail").asString()).contains("graft.imports.max-concurrent");
        }
        finally {
            for (HeldBackUpload upload : uploading) {
                upload.finish();
            }
        }
        for (HeldBackUpload upload : uploading) {
            assertThat(upload.status()).isEqualTo(422);
        }
    }

    @Test
    void twoImportsOfOneIdRacingToTheRowLeaveTheWinnersModelWholeAndTheLoserNothing() throws Exception {
        TestDatabase.cancelLeftoverJobs(jdbc);
        String id = "race-" + System.nanoTime();
        List<CompletableFuture<HttpResponse<String>>> imports = new ArrayList<>();
        try (Connection lock = dataSource.getConnection()) {
            lock.setAutoCommit(false);
            try (Statement statement = lock.createStatement()) {
                // SHARE mode lets the "id taken" reads through and holds every INSERT until commit,
                // so both imports pass the check, unpack their files and then meet at the row.
                statement.execute("LOCK TABLE imported_models IN SHARE MODE");
            }
            for (int i = 0; i < 2; i++) {
                imports.add(sendAsync(importOf(shippedArtifact(), "{\"format\": \"graft\", \"id\": \"" + id + "\"}")));
            }
            Await.until("both imports to wait at the row, or one to answer", Duration.ofSeconds(120),
                    () -> insertsWaiting() == 2 || imports.stream().anyMatch(CompletableFuture::isDone), Boolean::booleanValue);
            lock.commit();
        }

        List<Integer> statuses = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> f : imports) {
            statuses.add(f.get(120, TimeUnit.SECONDS).statusCode());
        }
        assertThat(statuses).as("statuses").containsExactlyInAnyOrder(201, 409);

        String artifact = jdbc.sql("SELECT artifact FROM imported_models WHERE id = ?").param(id).query(String.class).single();
        Path winner = storage.root().resolve(artifact);
        assertThat(attemptFolders(id)).as("the loser's files are gone, the winner's kept")
                .containsExactly(winner.getParent().getFileName().toString());
        try (ModelArtifact model = ModelArtifact.load(winner)) {
            List<float[]> predicted = model.predict(List.of(new Input.Image(new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY))));
            assertThat(predicted).singleElement().satisfies(p -> assertThat(sum(p)).isCloseTo(1.0, offset(1e-3)));
        }
        assertThat(ApiClient.on(port).delete("/v1/models/" + id).status()).isEqualTo(200);
        assertThat(attemptFolders(id)).isEmpty();
    }

    private long insertsWaiting() {
        return jdbc.sql("""
                SELECT count(*) FROM pg_stat_activity
                WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%INSERT INTO imported_models%'""")
                .query(Long.class).single();
    }

    private List<String> attemptFolders(String id) throws IOException {
        Path imports = storage.root().resolve("imports");
        if (!Files.isDirectory(imports)) {
            return List.of();
        }
        try (Stream<Path> all = Files.list(imports)) {
            return all.map(p -> p.getFileName().toString()).filter(n -> n.equals(id) || n.startsWith(id + ".")).toList();
        }
    }

    private static double sum(float[] values) {
        double total = 0;
        for (float v : values) {
            total += v;
        }
        return total;
    }

    private static Multipart importOf(byte[] zip, String descriptor) {
        return Multipart.form().file("file", "model.zip", "application/zip", zip)
                .file("descriptor", "descriptor.json", "application/json",
                        (descriptor == null ? "{\"format\": \"graft\"}" : descriptor).getBytes(StandardCharsets.UTF_8));
    }

    private CompletableFuture<HttpResponse<String>> sendAsync(Multipart form) {
        return HTTP.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/models"))
                .header("Content-Type", form.contentType()).POST(HttpRequest.BodyPublishers.ofByteArray(form.bytes())).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The shipped MNIST base, as a Graft artifact zip. */
    private static byte[] shippedArtifact() {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (String file : new String[] {"graft-model.json", "weights.params"}) {
            try (InputStream in = ImportConcurrencyTest.class.getResourceAsStream("/catalog/mnist-cnn-small/" + file)) {
                entries.put(file, in.readAllBytes());
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return Fixtures.zip(entries);
    }

    /**
     * An upload still under way: the request line, the headers and all of the body but its last
     * 16 bytes are written on a plain socket, and the rest only by {@link #finish()}. (HttpClient
     * cannot be made to hold a body back: its publisher blocks before the bytes it has are flushed.)
     */
    private static final class HeldBackUpload {
        private final Socket socket;
        private final byte[] body;

        HeldBackUpload(int port, Multipart form) throws IOException {
            body = form.bytes();
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/models HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: " + form.contentType()
                    + "\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, body.length - 16);
            out.flush();
        }

        void finish() throws IOException {
            socket.getOutputStream().write(body, body.length - 16, 16);
            socket.getOutputStream().flush();
        }

        /** The response's status code (the connection closes after it). */
        int status() throws IOException {
            try (socket) {
                String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                return Integer.parseInt(response.substring(9, 12));
            }
        }
    }
}
