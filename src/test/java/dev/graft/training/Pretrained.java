package dev.graft.training;

import dev.graft.basemodel.Architectures;
import java.nio.file.Path;
import java.util.List;

/**
 * A small CNN pretrained once per test JVM on a source task with plenty of data: stripes at
 * 0, 45, 90 and 135 degrees. Target tasks use the angles in between: new classes made of the
 * same kind of visual feature.
 */
final class Pretrained {

    static final double[] SOURCE_ANGLES = {0, 45, 90, 135};
    static final double[] TARGET_ANGLES = {22.5, 67.5, 112.5, 157.5};
    static final int SIZE = 16;
    static final double NOISE = 0.25;

    private static Path artifact;

    private Pretrained() {
    }

    static synchronized Path cnnOnStripes() {
        if (artifact == null) {
            SyntheticTasks.startEngine();
            Path out = SyntheticTasks.DATA.resolve("pretrained-cnn-" + ProcessHandle.current().pid());
            TrainingData source = SyntheticTasks.stripes(SOURCE_ANGLES, SIZE, 150, 25, NOISE, 7);
            try (TrainingResult r = new TrainingRun().run(new TrainingRequest(
                    new BaseModel.Architecture(Architectures.CNN_SMALL, List.of(1, SIZE, SIZE)),
                    Strategy.FULL, Hyperparameters.builder().epochs(4).batchSize(32)
                            .learningRate(3e-3f).backboneLearningRateMultiplier(1f).build(),
                    source, "source-stripes", out, null, null, null),
                    TrainingListener.NONE, CancellationToken.none())) {
                if (r.report().accuracy() < 0.9f) {
                    throw new IllegalStateException("Pretraining failed: " + r.report());
                }
            }
            artifact = out;
        }
        return artifact;
    }

    static TrainingData target(int trainPerClass, long seed) {
        return SyntheticTasks.stripes(TARGET_ANGLES, SIZE, trainPerClass, 25, NOISE, seed);
    }
}
