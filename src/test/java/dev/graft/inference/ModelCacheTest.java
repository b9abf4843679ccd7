package dev.graft.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

import dev.graft.model.ModelRegistry;
import dev.graft.storage.ArtifactStore;
import dev.graft.support.ApiClient;
import dev.graft.support.GraftServerTest;
import dev.graft.support.TrainedModels;

/** A cache of one model: loading another evicts it, and using it again reloads it. */
@GraftServerTest
@TestPropertySource(properties = "graft.inference.cache.max-models=1")
class ModelCacheTest {

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
    void theLeastRecentlyUsedModelIsEvictedAndReloadsOnItsNextUse() {
        TrainedModels models = new TrainedModels(jdbc, registry, store);
        String first = models.tabular("first");
        String second = models.tabular("second");
        ApiClient api = ApiClient.on(port);
        double evictions = meters.get("graft.inference.cache").tag("result", "eviction").counter().count();

        JsonNode before = predict(api, first);
        assertThat(status(api, first)).isEqualTo("loaded");
        predict(api, second);

        assertThat(status(api, first)).isEqualTo("not_loaded");
        assertThat(status(api, second)).isEqualTo("loaded");
        assertThat(meters.get("graft.inference.cache").tag("result", "eviction").counter().count()).isEqualTo(evictions + 1);
        assertThat(predict(api, first)).isEqualTo(before);
        assertThat(status(api, first)).isEqualTo("loaded");
        assertThat(status(api, second)).isEqualTo("not_loaded");
        assertThat(meters.get("graft.inference.models.loaded").gauge().value()).isEqualTo(1);
    }

    @Test
    void deletingAModelUnderLoadAnswersEveryRequestWithAPredictionOr404() throws Exception {
        String model = new TrainedModels(jdbc, registry, store).tabular("busy");
        ApiClient api = ApiClient.on(port);
        predict(api, model);
        int clientCount = 8;
        // No sleep to guess when the load is on: the delete waits until every client has had a
        // prediction, and each client goes on until it has had three 404s (bounded), so the delete
        // always lands under load and every client sees it.
        CountDownLatch predicting = new CountDownLatch(clientCount);
        AtomicBoolean deleted = new AtomicBoolean();
        List<Integer> afterDelete = new CopyOnWriteArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        List<List<Integer>> seen = new ArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(clientCount);
        try {
            List<Future<List<Integer>>> futures = new ArrayList<>();
            for (int c = 0; c < clientCount; c++) {
                futures.add(clients.submit(() -> {
                    List<Integer> statuses = new ArrayList<>();
                    int gone = 0;
                    while (gone < 3 && System.nanoTime() < deadline) {
                        boolean started = deleted.get();
                        int status = api.post("/v1/models/" + model + ":predict", "application/json",
                                "{\"instances\": [[1.0, -1.0]]}".getBytes(StandardCharsets.UTF_8)).status();
                        statuses.add(status);
                        if (started) {
                            afterDelete.add(status);
                        }
                        if (statuses.size() == 1) {
                            predicting.countDown();
                        }
                        if (status == 404) {
                            gone++;
                        }
                    }
                    return statuses;
                }));
            }
            assertThat(predicting.await(60, TimeUnit.SECONDS)).as("every client got an answer").isTrue();
            assertThat(api.delete("/v1/models/" + model).status()).isEqualTo(200);
            deleted.set(true);
            for (Future<List<Integer>> f : futures) {
                seen.add(f.get());
            }
        }
        finally {
            clients.shutdownNow();
        }

        for (List<Integer> statuses : seen) {
            assertThat(statuses).containsOnly(200, 404).startsWith(200).endsWith(404);
            // Once a client has been told the model is gone, it stays gone.
            assertThat(statuses.subList(statuses.indexOf(404), statuses.size())).containsOnly(404);
        }
        assertThat(afterDelete).as("requests sent after the delete answered").containsOnly(404);
        assertThat(status(api, model)).isNull();
    }

    private static String status(ApiClient api, String model) {
        ApiClient.Response r = api.get("/v1/models/" + model);
        return r.status() == 404 ? null : r.json().get("status").asString();
    }

    private static JsonNode predict(ApiClient api, String model) {
        ApiClient.Response r = api.post("/v1/models/" + model + ":predict", "application/json",
                "{\"instances\": [[1.0, -1.0], [0.0, 0.0]]}".getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }
}
