package dev.graft.inference;

import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;

import javax.imageio.ImageIO;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

import dev.graft.GraftApplication;
import dev.graft.model.ModelRegistry;
import dev.graft.storage.ArtifactStore;
import dev.graft.support.TrainedModels;
import dev.graft.training.Input;
import dev.graft.training.ModelArtifact;

/**
 * Prediction latency and throughput over loopback HTTP, for 1 and 32 closed-loop clients, with
 * dynamic batching on and off, against the in-process forward pass as the ceiling. Two servers
 * run in this JVM on one database and artifact store, one per batching setting, so the rounds can
 * interleave. Run by bench/inference.sh; not a test (the name matches no Surefire pattern).
 */
public final class InferenceBenchmark {

    static final int MAX_BATCH = 32;

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;
        Path out = Path.of(args.length > 2 ? args[2] : "bench/results");
        Path work = Files.createDirectories(Path.of("target/bench-inference")).toAbsolutePath();
        Path store = Files.createTempDirectory(work, "store-");
        Path pg = Files.createTempDirectory(work, "pg-");

        ConfigurableApplicationContext batched = start(List.of("--graft.database.embedded.data-directory=" + pg,
                "--graft.storage.root=" + store, "--graft.inference.batching.enabled=true"));
        HikariDataSource db = batched.getBean(HikariDataSource.class);
        // The second server shares the database, as the embedded server's application role.
        ConfigurableApplicationContext single = start(List.of("--spring.datasource.url=" + db.getJdbcUrl(),
                "--spring.datasource.username=" + db.getUsername(), "--spring.datasource.password=" + db.getPassword(),
                "--graft.storage.root=" + store, "--graft.inference.batching.enabled=false"));
        String model = new TrainedModels(batched.getBean(JdbcClient.class), batched.getBean(ModelRegistry.class),
                batched.getBean(ArtifactStore.class)).image("bench");
        byte[] body = ("{\"instances\": [{\"b64\": \"" + Base64.getEncoder().encodeToString(png()) + "\"}]}")
                .getBytes(StandardCharsets.UTF_8);
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("batching", port(batched));
        ports.put("no_batching", port(single));

        Map<String, List<Double>> values = new LinkedHashMap<>();
        Path artifactDir = batched.getBean(ArtifactStore.class).directory(
                batched.getBean(ModelRegistry.class).find(model).orElseThrow().artifact());
        try (ModelArtifact artifact = ModelArtifact.load(artifactDir)) {
            Input image = new Input.EncodedImage(png());
            for (int round = 0; round <= rounds; round++) {
                List<String> order = new ArrayList<>(ports.keySet());
                if (round % 2 == 1) {
                    java.util.Collections.reverse(order);
                }
                for (int clients : new int[] {1, 32}) {
                    for (String variant : order) {
                        Load load = Load.run(ports.get(variant), model, body, clients, seconds);
                        if (round > 0) { // round 0 warms up JIT, loads the model and fills connection pools
                            record(values, variant + "." + clients + ".p50_ms", load.percentile(50));
                            record(values, variant + "." + clients + ".p99_ms", load.percentile(99));
                            record(values, variant + "." + clients + ".rps", load.rps());
                        }
                    }
                }
                for (int batch : new int[] {1, MAX_BATCH}) {
                    double ips = inProcess(artifact, image, batch, seconds);
                    if (round > 0) {
                        record(values, "in_process.batch_" + batch + ".instances_per_s", ips);
                    }
                }
                System.out.printf(Locale.ROOT, "round %d/%d done%n", round, rounds);
            }
        }
        finally {
            single.close();
            batched.close();
        }
        Files.createDirectories(out);
        Files.writeString(out.resolve("inference.json"), JsonMapper.builder().build().writerWithDefaultPrettyPrinter()
                .writeValueAsString(Map.of("model", model, "rounds", rounds, "seconds_per_measurement", seconds,
                        "cores", Runtime.getRuntime().availableProcessors(), "java", System.getProperty("java.version"),
                        "values", values)));
        String table = report(values, rounds, seconds);
        Files.writeString(out.resolve("inference.md"), table);
        System.out.println(table);
        System.exit(0);
    }

    private static ConfigurableApplicationContext start(List<String> extra) {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--graft.mode=api",
                "--logging.level.root=WARN", "--graft.training.data-directory=target/bench-inference"));
        args.addAll(extra);
        return SpringApplication.run(GraftApplication.class, args.toArray(String[]::new));
    }

    private static int port(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    private static double inProcess(ModelArtifact artifact, Input image, int batch, double seconds) {
        List<Input> inputs = java.util.Collections.nCopies(batch, image);
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long start = System.nanoTime();
        long instances = 0;
        while (System.nanoTime() < end) {
            artifact.predict(inputs);
            instances += batch;
        }
        return instances / ((System.nanoTime() - start) / 1e9);
    }

    private static void record(Map<String, List<Double>> values, String key, double value) {
        values.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }

    private static String report(Map<String, List<Double>> values, int rounds, double seconds) {
        StringBuilder md = new StringBuilder("# Inference benchmark\n\n");
        md.append(String.format(Locale.ROOT, "`bench/inference.sh`: %d cores, Java %s, %d rounds (after a warm-up round) of "
                + "%.0f s per measurement; median over rounds, min–max in brackets. Model: `arch-cnn-small` fine-tuned on "
                + "3×8×8 images, one PNG instance per request (base64 JSON). Batching: max %d instances, max delay 2 ms, "
                + "2 workers per model.%n%n", Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                rounds, seconds, MAX_BATCH));
        md.append("| clients | batching | p50 ms | p99 ms | requests/s |\n|---:|---|---:|---:|---:|\n");
        for (int clients : new int[] {1, 32}) {
            for (String variant : List.of("batching", "no_batching")) {
                String k = variant + "." + clients;
                md.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s |%n", clients,
                        variant.equals("batching") ? "on" : "off", cell(values.get(k + ".p50_ms"), 2),
                        cell(values.get(k + ".p99_ms"), 2), cell(values.get(k + ".rps"), 0)));
            }
        }
        md.append("\nCeiling, in-process `ModelArtifact.predict` (same model and image, decoding included):\n\n");
        md.append("| batch | instances/s |\n|---:|---:|\n");
        for (int batch : new int[] {1, MAX_BATCH}) {
            md.append(String.format(Locale.ROOT, "| %d | %s |%n", batch,
                    cell(values.get("in_process.batch_" + batch + ".instances_per_s"), 0)));
        }
        return md.toString();
    }

    private static String cell(List<Double> v, int decimals) {
        double[] sorted = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        String f = "%." + decimals + "f";
        return String.format(Locale.ROOT, f + " (" + f + "–" + f + ")", median, sorted[0], sorted[sorted.length - 1]);
    }

    private static byte[] png() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(TrainedModels.colour(Color.RED, new Random(1)), "png", bytes);
        return bytes.toByteArray();
    }

    /** A closed loop: each client sends its next request when the last one answered. */
    record Load(double[] latenciesMs, double seconds) {

        static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        static Load run(int port, String model, byte[] body, int clients, double seconds) throws InterruptedException {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/models/" + model
                    + ":predict")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            List<List<Double>> perClient = new ArrayList<>();
            CountDownLatch done = new CountDownLatch(clients);
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            for (int c = 0; c < clients; c++) {
                List<Double> mine = new ArrayList<>();
                perClient.add(mine);
                new Thread(() -> {
                    try {
                        while (System.nanoTime() < end) {
                            long t = System.nanoTime();
                            HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() != 200) {
                                throw new IllegalStateException(r.statusCode() + " " + r.body());
                            }
                            mine.add((System.nanoTime() - t) / 1e6);
                        }
                    }
                    catch (IOException | InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    finally {
                        done.countDown();
                    }
                }).start();
            }
            done.await();
            double elapsed = (System.nanoTime() - start) / 1e9;
            double[] all = perClient.stream().flatMap(List::stream).mapToDouble(Double::doubleValue).sorted().toArray();
            return new Load(all, elapsed);
        }

        double percentile(double p) {
            return latenciesMs[Math.min(latenciesMs.length - 1, (int) Math.ceil(p / 100 * latenciesMs.length) - 1)];
        }

        double rps() {
            return latenciesMs.length / seconds;
        }
    }
}
