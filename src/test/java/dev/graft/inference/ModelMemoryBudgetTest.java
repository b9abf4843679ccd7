package dev.graft.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

import dev.graft.model.ModelRegistry;
import dev.graft.storage.ArtifactStore;
import dev.graft.support.ApiClient;
import dev.graft.support.GraftServerTest;
import dev.graft.support.TrainedModels;

/** The cache's memory budget evicts even when its model count would allow more. */
@GraftServerTest
@TestPropertySource(properties = {"graft.inference.cache.max-models=8", "graft.inference.cache.max-memory=30KB"})
class ModelMemoryBudgetTest {

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    ModelRegistry registry;
    @Autowired
    ArtifactStore store;

    @Test
    void loadingAModelBeyondTheMemoryBudgetEvictsTheLeastRecentlyUsedOne() {
        TrainedModels models = new TrainedModels(jdbc, registry, store);
        String first = models.tabular("budget-a");
        String second = models.tabular("budget-b");
        long size = registry.find(first).orElseThrow().bytes();
        assertThat(size).as("the budget of 30 KB must hold one of these models but not two").isBetween(15L * 1024, 30L * 1024);
        ApiClient api = ApiClient.on(port);

        predict(api, first);
        predict(api, second);

        assertThat(status(api, first)).isEqualTo("not_loaded");
        assertThat(status(api, second)).isEqualTo("loaded");
    }

    private static void predict(ApiClient api, String model) {
        ApiClient.Response response = api.post("/v1/models/" + model + ":predict", "application/json",
                "{\"instances\": [[1.0, -1.0]]}".getBytes(StandardCharsets.UTF_8));
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
    }

    private static String status(ApiClient api, String model) {
        return api.get("/v1/models/" + model).json().get("status").asString();
    }
}
