package dev.graft.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluationTest {

    @Test
    void computesConfusionMatrixWithTrueClassesAsRowsAndPerClassAndMacroScores() {
        int[] truth = {0, 0, 1, 1, 2};
        float[][] probabilities = {
                {0.9f, 0.1f, 0}, {0.2f, 0.7f, 0.1f}, {0.1f, 0.8f, 0.1f}, {0, 0.6f, 0.4f},
                {0.5f, 0.2f, 0.3f}};
        EvaluationReport r = Evaluation.report(List.of("a", "b", "c"), truth, probabilities, 0.5f);
        assertThat(r.confusionMatrix()).isDeepEqualTo(new int[][] {{1, 1, 0}, {0, 2, 0}, {1, 0, 0}});
        assertThat(r.accuracy()).isEqualTo(0.6f);
        EvaluationReport.ClassMetrics a = r.perClass().get(0);
        assertThat(a.precision()).isEqualTo(0.5f);
        assertThat(a.recall()).isEqualTo(0.5f);
        assertThat(a.support()).isEqualTo(2);
        EvaluationReport.ClassMetrics b = r.perClass().get(1);
        assertThat(b.f1()).isCloseTo(0.8f, within(1e-6f));
        // Class c is never predicted: precision 0 by convention, F1 0.
        assertThat(r.perClass().get(2).f1()).isZero();
        assertThat(r.macroF1()).isCloseTo((0.5f + 0.8f + 0f) / 3, within(1e-6f));
    }
}
