package dev.graft.training;

import java.util.List;

/**
 * Whether transfer helped, measured on the validation split against a linear probe on the frozen
 * base (the transferred knowledge alone) and the same architecture trained from scratch with the
 * same data, budget and seed.
 *
 * @param verdict          {@code positive}, {@code neutral} or {@code negative}: whether the 95%
 *                         interval of the gain over scratch lies above zero, straddles it, or lies below
 * @param gainPoints       transfer accuracy minus scratch accuracy, in percentage points
 * @param gainInterval     the paired-bootstrap 95% interval of that gain, in points
 * @param overheadSeconds  the time the probe, scratch and learning-curve runs added to the job
 */
public record TransferReport(String verdict, double gainPoints, List<Double> gainInterval, int validationExamples,
        Arm probe, Arm transfer, Arm scratch, LearningCurve learningCurve, double overheadSeconds) {

    /**
     * One of the three runs.
     *
     * @param epochsTo95  the first epoch whose validation accuracy reached 95% of the run's best (time to learn)
     * @param secondsTo95 training seconds until that epoch
     */
    public record Arm(String base, String strategy, double accuracy, int epochsRun, Integer epochsTo95,
            Double secondsTo95, double seconds) {
    }

    /**
     * Linear-probe accuracy on growing fractions of the train split.
     *
     * @param stillRising whether the last step still gained more than {@link TransferComparison#RISING_POINTS}
     *                    points: more labelled examples would probably help
     */
    public record LearningCurve(List<Point> points, boolean stillRising, String hint) {
    }

    public record Point(double fraction, int trainExamples, double accuracy) {
    }
}
