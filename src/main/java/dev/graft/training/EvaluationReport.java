package dev.graft.training;

import java.util.List;

/**
 * How the final model does on the validation split, and how training got there.
 *
 * @param confusionMatrix {@code [true class][predicted class]} counts
 * @param history one entry per epoch run, resumed epochs included
 */
public record EvaluationReport(float loss, float accuracy, float macroF1,
        List<ClassMetrics> perClass, int[][] confusionMatrix, List<EpochStats> history) {

    public record ClassMetrics(String label, float precision, float recall, float f1,
            int support) {
    }

    EvaluationReport withHistory(List<EpochStats> epochs) {
        return new EvaluationReport(loss, accuracy, macroF1, perClass, confusionMatrix,
                List.copyOf(epochs));
    }
}
