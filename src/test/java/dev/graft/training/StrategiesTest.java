package dev.graft.training;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.nn.Block;
import dev.graft.basemodel.Backbone;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every strategy adapts the pretrained CNN to the target task, touching only what it may. */
class StrategiesTest {

    private static final float CHANCE = 0.25f;

    @TempDir
    Path dir;

    private static Path base;

    @BeforeAll
    static void pretrain() {
        base = Pretrained.cnnOnStripes();
    }

    @Test
    void featureExtractionLeavesEveryBackboneWeightAndBatchNormStatisticUntouched() {
        Map<String, float[]> before = backboneValues(base);
        try (TrainingResult r = train(Strategy.FEATURE_EXTRACTION, 30, hp().toBuilder().epochs(15).build())) {
            assertThat(r.report().accuracy()).isGreaterThan(CHANCE + 0.3f);
            Map<String, float[]> after = Weights.values(r.model().net().backbone());
            assertThat(after.keySet()).isEqualTo(before.keySet())
                    .anyMatch(k -> k.endsWith("runningMean")).anyMatch(k -> k.endsWith("runningVar"));
            after.forEach((name, values) -> assertThat(values).as(name).isEqualTo(before.get(name)));
        }
    }

    @Test
    void partialTrainsOnlyTheTopUnitsAndTheHead() {
        Map<String, float[]> before = backboneValues(base);
        try (TrainingResult r = train(Strategy.PARTIAL, 30, hp().toBuilder().unfreezeLayers(1).build())) {
            assertThat(r.report().accuracy()).isGreaterThan(CHANCE + 0.3f);
            Backbone backbone = r.model().net().backbone();
            int top = backbone.unitCount() - 1;
            for (int unit = 0; unit < top; unit++) {
                unitValues(backbone, unit).forEach((name, values) ->
                        assertThat(values).as(name).isEqualTo(before.get(name)));
            }
            assertThat(unitValues(backbone, top)).anySatisfy((name, values) ->
                    assertThat(values).as(name).isNotEqualTo(before.get(name)));
        }
    }

    @Test
    void fullTrainsTheWholeNetworkAndBeatsChance() {
        Map<String, float[]> before = backboneValues(base);
        try (TrainingResult r = train(Strategy.FULL, 30, hp())) {
            assertThat(r.report().accuracy()).isGreaterThan(CHANCE + 0.3f);
            Backbone backbone = r.model().net().backbone();
            assertThat(unitValues(backbone, 0)).anySatisfy((name, values) ->
                    assertThat(values).as(name).isNotEqualTo(before.get(name)));
        }
    }

    static Hyperparameters hp() {
        return Hyperparameters.builder().epochs(6).batchSize(16).learningRate(3e-3f)
                .backboneLearningRateMultiplier(0.3f).seed(11).build();
    }

    private TrainingResult train(Strategy strategy, int perClass, Hyperparameters hp) {
        return new TrainingRun().run(new TrainingRequest(new BaseModel.Artifact("cnn-stripes", base),
                strategy, hp, Pretrained.target(perClass, 3), "target", dir.resolve("out"), null,
                null, null), TrainingListener.NONE, CancellationToken.none());
    }

    static Map<String, float[]> backboneValues(Path artifact) {
        try (ModelArtifact model = ModelArtifact.load(artifact)) {
            return Weights.values(model.net().backbone());
        }
    }

    // Names as in Weights.values(backbone): the unit's child key, then the parameter path.
    private static Map<String, float[]> unitValues(Backbone backbone, int unit) {
        String key = backbone.getChildren().get(unit).getKey();
        Block block = backbone.unit(unit);
        Map<String, float[]> out = new java.util.LinkedHashMap<>();
        Weights.values(block).forEach((name, values) -> out.put(key + "_" + name, values));
        return out;
    }
}
