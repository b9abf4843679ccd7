package dev.graft.training;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import dev.graft.basemodel.ArchitectureSpec;
import dev.graft.basemodel.Architectures;
import dev.graft.basemodel.Backbone;
import dev.graft.basemodel.Modality;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code coco-mobilenetv2} catalog base: the backbone converted from the COCO SSDLite
 * TensorFlow.js graph computes the same features as TensorFlow.js on the same photos (fixtures
 * written by {@code scripts/convert-coco-mobilenetv2.sh}), and trains under each strategy exactly
 * where the strategy says.
 */
class CocoMobileNetV2Test {

    private static final String ID = "coco-mobilenetv2";
    private static final double TOLERANCE = 1e-4;

    @TempDir
    Path dir;

    private static Path base;
    private static JsonNode reference;

    @BeforeAll
    static void locate() throws URISyntaxException {
        SyntheticTasks.startEngine();
        base = Path.of(CocoMobileNetV2Test.class.getResource("/catalog/" + ID).toURI());
        reference = Json.MAPPER.readTree(CocoMobileNetV2Test.class.getResourceAsStream("/coco-mobilenetv2/features.json"));
    }

    @Test
    void featuresEqualTensorFlowJsOnPhotosAtTheDefault224Pixels() throws IOException {
        List<JsonNode> images = fixtures(224);
        assertThat(images).hasSize(3).anyMatch(i -> i.get("gray").asBoolean());

        float[][] features = embed(new BaseModel.Artifact(ID, base), images);

        assertMatchesReference(images, features);
    }

    @Test
    void featuresEqualTensorFlowJsAtTheDetectorsNative300PixelsThroughItsOwnPreprocessing() throws IOException {
        // At 300 px the stride-2 layers meet odd sizes (75, 19) and pad symmetrically; at 224 never.
        List<JsonNode> images = fixtures(300);
        assertThat(images).hasSize(1).allMatch(i -> i.get("graphInput").asString().equals("image_tensor"));

        float[][] features = embed(new BaseModel.Artifact(ID, resized(300)), images);

        assertMatchesReference(images, features);
    }

    @Test
    void fullFineTuningReachesEveryBackboneTensor() {
        Map<String, float[]> before = catalogBackbone();
        try (TrainingResult r = train(Strategy.FULL, hp())) {
            Map<String, float[]> after = Weights.values(r.model().net().backbone());
            assertThat(after.keySet()).isEqualTo(before.keySet()).hasSize(2 * 52);
            after.forEach((name, values) -> assertThat(values).as(name).isNotEqualTo(before.get(name)));
        }
    }

    @Test
    void featureExtractionLeavesEveryBackboneWeightBitIdentical() {
        Map<String, float[]> before = catalogBackbone();
        try (TrainingResult r = train(Strategy.FEATURE_EXTRACTION, hp())) {
            Map<String, float[]> after = Weights.values(r.model().net().backbone());
            assertThat(after.keySet()).isEqualTo(before.keySet());
            after.forEach((name, values) -> assertThat(values).as(name).isEqualTo(before.get(name)));
        }
    }

    @Test
    void partialChangesOnlyTheTopUnits() {
        Map<String, float[]> before = catalogBackbone();
        try (TrainingResult r = train(Strategy.PARTIAL, hp().toBuilder().unfreezeLayers(3).build())) {
            Backbone backbone = r.model().net().backbone();
            assertThat(backbone.unitCount()).isEqualTo(19);
            for (int unit = 0; unit < backbone.unitCount(); unit++) {
                boolean top = unit >= backbone.unitCount() - 3;
                unitValues(backbone, unit).forEach((name, values) -> {
                    if (top) {
                        assertThat(values).as(name).isNotEqualTo(before.get(name));
                    } else {
                        assertThat(values).as(name).isEqualTo(before.get(name));
                    }
                });
            }
        }
    }

    @Test
    void aFineTunedModelKeepsTheGraphsScalingAndTakesGrayscalePhotosOfAnySize() {
        try (TrainingResult r = train(Strategy.FEATURE_EXTRACTION, hp());
                ModelArtifact reloaded = ModelArtifact.load(dir.resolve("out"))) {
            Preprocessing.ImageScaling scaling = reloaded.descriptor().preprocessing().image();
            assertThat(scaling.channels()).isEqualTo(3);
            assertThat(scaling.height()).isEqualTo(224);
            assertThat(scaling.mean()).containsExactly(0.5f, 0.5f, 0.5f);
            assertThat(scaling.std()).containsExactly(0.5f, 0.5f, 0.5f);
            BufferedImage gray = new BufferedImage(37, 90, BufferedImage.TYPE_BYTE_GRAY);
            List<Input> inputs = List.of(new Input.Image(gray), new Input.Image(stripes(true, new Random(3))));
            assertThat(reloaded.predict(inputs)).usingRecursiveComparison().isEqualTo(r.model().predict(inputs));
        }
    }

    private static float[][] embed(BaseModel model, List<JsonNode> images) throws IOException {
        List<Example> examples = new ArrayList<>();
        for (JsonNode image : images) {
            byte[] png = CocoMobileNetV2Test.class.getResourceAsStream("/coco-mobilenetv2/" + image.get("file").asString())
                    .readAllBytes();
            examples.add(new Example(new Input.EncodedImage(png), examples.size() % 2));
        }
        TrainingData data = new TrainingData(Modality.IMAGE, List.of("a", "b"), examples, List.of());
        FrozenEmbeddings.Embedded embedded = FrozenEmbeddings.embed(model, data, 2, 1);
        assertThat(embedded.pretrained()).isTrue();
        return embedded.embeddings();
    }

    private static void assertMatchesReference(List<JsonNode> images, float[][] features) {
        for (int i = 0; i < images.size(); i++) {
            JsonNode expected = images.get(i).get("features");
            assertThat(features[i]).hasSize(1280).hasSize(expected.size());
            double maxError = 0;
            for (int j = 0; j < features[i].length; j++) {
                maxError = Math.max(maxError, Math.abs(features[i][j] - expected.get(j).asDouble()));
            }
            assertThat(maxError).as("max |Graft - TF.js| on " + images.get(i).get("file").asString())
                    .isLessThan(TOLERANCE);
        }
    }

    private static List<JsonNode> fixtures(int size) {
        List<JsonNode> out = new ArrayList<>();
        reference.get("images").forEach(i -> {
            if (i.get("size").asInt() == size) {
                out.add(i);
            }
        });
        return out;
    }

    /** A copy of the base whose preprocessing resizes to {@code size} px instead of 224. */
    private Path resized(int size) throws IOException {
        Path copy = Files.createDirectories(dir.resolve("base-" + size));
        Files.copy(base.resolve("weights.params"), copy.resolve("weights.params"));
        ObjectNode descriptor = (ObjectNode) Json.MAPPER.readTree(base.resolve(ModelArtifact.DESCRIPTOR_FILE).toFile());
        ArrayNode shape = ((ObjectNode) descriptor.get("architecture")).putArray("inputShape");
        shape.add(3).add(size).add(size);
        ((ObjectNode) descriptor.get("preprocessing").get("image")).put("height", size).put("width", size);
        Files.writeString(copy.resolve(ModelArtifact.DESCRIPTOR_FILE), Json.MAPPER.writeValueAsString(descriptor));
        return copy;
    }

    private TrainingResult train(Strategy strategy, Hyperparameters hp) {
        Random random = new Random(5);
        List<Example> train = new ArrayList<>();
        // One batch of four: a step of MobileNetV2 at 224 px takes seconds on two cores.
        for (int i = 0; i < 4; i++) {
            train.add(new Example(new Input.Image(stripes(i % 2 == 0, random)), i % 2));
        }
        TrainingData data = new TrainingData(Modality.IMAGE, List.of("horizontal", "vertical"), train,
                train.subList(0, 2));
        return new TrainingRun().run(new TrainingRequest(new BaseModel.Artifact(ID, base), strategy, hp, data,
                "stripes", dir.resolve("out"), null, null, null), TrainingListener.NONE, CancellationToken.none());
    }

    private static Hyperparameters hp() {
        return Hyperparameters.defaults().toBuilder().epochs(1).batchSize(4).backboneLearningRateMultiplier(1f).seed(7).build();
    }

    private static BufferedImage stripes(boolean horizontal, Random random) {
        BufferedImage image = new BufferedImage(48, 48, BufferedImage.TYPE_INT_RGB);
        int phase = random.nextInt(8);
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 48; x++) {
                int v = ((horizontal ? y : x) + phase) / 4 % 2 == 0 ? 220 : 30;
                image.setRGB(x, y, (v << 16) | ((v / 2) << 8) | random.nextInt(40));
            }
        }
        return image;
    }

    /** The catalog backbone's weights as shipped: the artifact holds the backbone alone. */
    private static Map<String, float[]> catalogBackbone() {
        ArchitectureSpec spec = Architectures.spec(Architectures.MOBILENET_V2, List.of(3, 224, 224), 0);
        try (NDManager manager = NDManager.newBaseManager()) {
            Backbone backbone = Architectures.newBackbone(spec);
            backbone.initialize(manager, DataType.FLOAT32, Architectures.batchShape(spec, 1));
            Weights.load(backbone, manager, Files.readAllBytes(base.resolve("weights.params")));
            return Weights.values(backbone);
        }
        catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    // Names as in Weights.values(backbone): the unit's child key, then the parameter path.
    private static Map<String, float[]> unitValues(Backbone backbone, int unit) {
        String key = backbone.getChildren().get(unit).getKey();
        Block block = backbone.unit(unit);
        Map<String, float[]> out = new LinkedHashMap<>();
        Weights.values(block).forEach((name, values) -> out.put(key + "_" + name, values));
        return out;
    }
}
