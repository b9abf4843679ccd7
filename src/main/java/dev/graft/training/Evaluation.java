package dev.graft.training;

import java.util.ArrayList;
import java.util.List;

/** Classification metrics from predicted class probabilities. */
final class Evaluation {

    private Evaluation() {
    }

    /**
     * @param loss mean cross-entropy, computed by the caller alongside the probabilities
     * @param probabilities one row per example
     */
    static EvaluationReport report(List<String> labels, int[] truth, float[][] probabilities,
            float loss) {
        int k = labels.size();
        int[][] confusion = new int[k][k];
        int correct = 0;
        for (int i = 0; i < truth.length; i++) {
            int predicted = argMax(probabilities[i]);
            confusion[truth[i]][predicted]++;
            if (predicted == truth[i]) {
                correct++;
            }
        }
        List<EvaluationReport.ClassMetrics> perClass = new ArrayList<>();
        float f1Sum = 0;
        for (int c = 0; c < k; c++) {
            int tp = confusion[c][c];
            int support = 0;
            int predictedAsC = 0;
            for (int j = 0; j < k; j++) {
                support += confusion[c][j];
                predictedAsC += confusion[j][c];
            }
            // An undefined ratio (no support, no predictions) counts as 0, as scikit-learn's
            // zero_division=0 does.
            float precision = predictedAsC == 0 ? 0 : (float) tp / predictedAsC;
            float recall = support == 0 ? 0 : (float) tp / support;
            float f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            f1Sum += f1;
            perClass.add(new EvaluationReport.ClassMetrics(labels.get(c), precision, recall, f1,
                    support));
        }
        float accuracy = truth.length == 0 ? Float.NaN : (float) correct / truth.length;
        return new EvaluationReport(loss, accuracy, f1Sum / k, perClass, confusion, List.of());
    }

    static int argMax(float[] row) {
        int best = 0;
        for (int i = 1; i < row.length; i++) {
            if (row[i] > row[best]) {
                best = i;
            }
        }
        return best;
    }
}
