package dev.graft.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

import dev.graft.model.ModelRegistry;
import dev.graft.storage.ArtifactStore;
import dev.graft.support.ApiClient;
import dev.graft.support.GraftServerTest;
import dev.graft.support.TrainedModels;

/** 32 clients at once on one model: every answer is the one it gets alone, and requests are batched. */
@GraftServerTest
class ConcurrentPredictionTest {

    static final int CLIENTS = 32;
    static final int REQUESTS_PER_CLIENT = 4;

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    ModelRegistry registry;
    @Autowired
    ArtifactStore store;
    @Autowired
    MeterRegistry meters;

    @Test
    void thirtyTwoConcurrentClientsGetTheSinglyComputedAnswersInBatches() throws Exception {
        String model = new TrainedModels(jdbc, registry, store).tabular("load");
        ApiClient api = ApiClient.on(port);
        Random random = new Random(9);
        List<String> instances = new ArrayList<>();
        for (int i = 0; i < CLIENTS * REQUESTS_PER_CLIENT; i++) {
            instances.add(String.format(Locale.ROOT, "[%.3f, %.3f]", random.nextDouble() * 3 - 0.5, -random.nextDouble() * 3 + 0.5));
        }
        List<JsonNode> alone = new ArrayList<>();
        for (String instance : instances) {
            alone.add(predict(api, model, instance));
        }

        List<JsonNode> together = new ArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<List<JsonNode>>> futures = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                futures.add(clients.submit(() -> {
                    List<JsonNode> answers = new ArrayList<>();
                    for (int r = 0; r < REQUESTS_PER_CLIENT; r++) {
                        answers.add(predict(api, model, instances.get(client * REQUESTS_PER_CLIENT + r)));
                    }
                    return answers;
                }));
            }
            for (Future<List<JsonNode>> f : futures) {
                together.addAll(f.get());
            }
        }
        finally {
            clients.shutdownNow();
        }

        for (int i = 0; i < instances.size(); i++) {
            JsonNode a = alone.get(i);
            JsonNode t = together.get(i);
            assertThat(t.get("label").asString()).as("instance %s", instances.get(i)).isEqualTo(a.get("label").asString());
            // A batched matrix product may sum in another order than a single row's: equal to float rounding.
            assertThat(t.get("score").doubleValue()).isCloseTo(a.get("score").doubleValue(),
                    org.assertj.core.data.Offset.offset(1e-5));
        }
        DistributionSummary batches = meters.get("graft.inference.batch.size").tag("model", model).summary();
        assertThat(batches.max()).as("largest batch").isGreaterThan(1);
        assertThat(meters.get("graft.inference.latency").tag("model", model).timer().count())
                .isEqualTo(2L * instances.size());
    }

    private static JsonNode predict(ApiClient api, String model, String instance) {
        ApiClient.Response r = api.post("/v1/models/" + model + ":predict", "application/json",
                ("{\"instances\": [" + instance + "]}").getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().get("predictions").get(0);
    }
}
