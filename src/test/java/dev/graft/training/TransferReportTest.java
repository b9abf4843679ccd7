package dev.graft.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.graft.basemodel.Modality;
import dev.graft.training.TransferComparison;
import dev.graft.training.TransferReport;

/**
 * compare_baseline's verdicts on constructed tasks: a base pretrained on stripes helps on stripes at
 * new angles (positive), and frozen, it hurts on a task its features never saw, where a bright
 * quadrant is the class (negative: pooled orientation features carry no position).
 */
class TransferReportTest {

    @TempDir
    Path dir;

    @Test
    void transferFromARelatedSourceIsPositive() throws Exception {
        Hyperparameters budget = Hyperparameters.builder().epochs(4).batchSize(8).learningRate(3e-3f)
                .backboneLearningRateMultiplier(1f).seed(5).build();
        TransferReport report = compare(Strategy.FULL, Pretrained.target(4, 21), budget);

        assertThat(report.verdict()).as("%s", report).isEqualTo("positive");
        assertThat(report.gainPoints()).isGreaterThan(10);
        assertThat(report.gainInterval().get(0)).isPositive();
        assertThat(report.transfer().accuracy()).isGreaterThan(report.scratch().accuracy());
        assertThat(report.probe().strategy()).isEqualTo("feature_extraction");
        assertThat(report.scratch().base()).isEqualTo("arch-cnn-small");
        assertThat(report.validationExamples()).isEqualTo(100);
        assertThat(report.transfer().epochsTo95()).isBetween(1, 4);
        assertThat(report.learningCurve().points()).extracting(TransferReport.Point::fraction).containsExactly(0.25, 0.5, 1.0);
        assertThat(report.learningCurve().points()).extracting(TransferReport.Point::trainExamples).containsExactly(4, 8, 16);
        assertThat(report.overheadSeconds()).isPositive();
        assertThat(dir.resolve("baseline")).doesNotExist();
    }

    @Test
    void frozenFeaturesFromAnUnrelatedSourceAreNegative() throws Exception {
        Hyperparameters budget = Hyperparameters.builder().epochs(6).batchSize(16).learningRate(3e-3f).seed(3).build();
        TransferReport report = compare(Strategy.FEATURE_EXTRACTION, quadrants(20, 25, 11), budget);

        assertThat(report.verdict()).as("%s", report).isEqualTo("negative");
        assertThat(report.gainInterval().get(1)).isNegative();
        assertThat(report.scratch().accuracy()).isGreaterThan(0.9);
        assertThat(report.transfer().accuracy()).isLessThan(report.scratch().accuracy());
    }

    private TransferReport compare(Strategy strategy, TrainingData data, Hyperparameters budget) throws Exception {
        TrainingRequest request = new TrainingRequest(new BaseModel.Artifact("cnn-stripes", Pretrained.cnnOnStripes()), strategy,
                budget, data, "target", dir.resolve("adapted"), null, null, null);
        try (TrainingResult adapted = new TrainingRun().run(request, TrainingListener.NONE, CancellationToken.none())) {
            return TransferComparison.compare(request, adapted, dir.resolve("baseline"), CancellationToken.none());
        }
    }

    /** Class c: the c-th quadrant of a 16 px image is bright, the rest dark, with pixel noise. */
    static TrainingData quadrants(int trainPerClass, int validationPerClass, long seed) {
        Random random = new Random(seed);
        List<Example> train = new ArrayList<>();
        List<Example> validation = new ArrayList<>();
        for (int i = 0; i < trainPerClass + validationPerClass; i++) {
            for (int c = 0; c < 4; c++) {
                BufferedImage image = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
                for (int y = 0; y < 16; y++) {
                    for (int x = 0; x < 16; x++) {
                        double v = ((x < 8 ? 0 : 1) + (y < 8 ? 0 : 2)) == c ? 0.8 : 0.2;
                        v += 0.1 * random.nextGaussian();
                        image.getRaster().setSample(x, y, 0, (int) Math.round(255 * Math.max(0, Math.min(1, v))));
                    }
                }
                (i < trainPerClass ? train : validation).add(new Example(new Input.Image(image), c));
            }
        }
        return new TrainingData(Modality.IMAGE, List.of("top-left", "top-right", "bottom-left", "bottom-right"), train,
                validation);
    }
}
