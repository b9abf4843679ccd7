package dev.graft.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.graft.transfer.StrategyPilots;

/** Strategy "auto" by pilot runs: on a task the frozen base cannot do, partial fine-tuning wins the pilots. */
class StrategyPilotsTest {

    @TempDir
    Path dir;

    @Test
    void choosesPartialWhereFrozenFeaturesFailWithinASmallShareOfTheBudget() throws Exception {
        TrainingData data = TransferReportTest.quadrants(20, 25, 11);
        Hyperparameters budget = Hyperparameters.defaults().withEpochs(10).withBatchSize(16).withLearningRate(3e-3f).withSeed(3);
        Map<Strategy, Hyperparameters> candidates = new LinkedHashMap<>();
        candidates.put(Strategy.FEATURE_EXTRACTION, budget);
        candidates.put(Strategy.PARTIAL, budget.withBackboneLearningRateMultiplier(1f));
        TrainingRequest request = new TrainingRequest(new BaseModel.Artifact("cnn-stripes", Pretrained.cnnOnStripes()),
                Strategy.FEATURE_EXTRACTION, budget, data, "quadrants", dir.resolve("model"), null, null, null);

        StrategyPilots.Selection selection = StrategyPilots.choose(request, candidates, dir.resolve("pilots"),
                CancellationToken.none());

        assertThat(selection.chosen()).as("%s", selection).isEqualTo("partial");
        assertThat(selection.pilots()).extracting(StrategyPilots.Pilot::strategy).containsExactly("feature_extraction", "partial");
        assertThat(selection.pilots()).allSatisfy(p -> assertThat(p.epochs()).isEqualTo(2));
        assertThat(selection.trainExamples()).isEqualTo(20);
        assertThat(selection.pilots().get(1).accuracy()).isGreaterThan(selection.pilots().get(0).accuracy());
        assertThat(dir.resolve("pilots")).doesNotExist();
    }
}
