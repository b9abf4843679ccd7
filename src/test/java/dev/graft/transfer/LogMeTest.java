package dev.graft.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class LogMeTest {

    /** 1e-4 relative: both sides work in doubles on the same floats, so only rounding differs. */
    private static final double RELATIVE_TOLERANCE_PERCENT = 0.01;

    record Case(String name, float[][] features, int[] labels, double score) {
        @Override
        public String toString() {
            return name;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("referenceCases")
    void matchesTheReferenceImplementationOnItsOwnOutput(Case c) {
        assertThat(LogMe.score(c.features(), c.labels()))
                .isCloseTo(c.score(), withinPercentage(RELATIVE_TOLERANCE_PERCENT));
    }

    @Test
    void featuresThatSeparateTheClassesScoreAboveFeaturesThatDoNot() {
        Random random = new Random(7);
        int n = 90;
        int[] labels = new int[n];
        float[][] separating = new float[n][6];
        float[][] noise = new float[n][6];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
            for (int j = 0; j < 6; j++) {
                separating[i][j] = (float) ((j == labels[i] ? 3 : 0) + random.nextGaussian());
                noise[i][j] = (float) random.nextGaussian();
            }
        }
        assertThat(LogMe.score(separating, labels)).isGreaterThan(LogMe.score(noise, labels) + 0.1);
    }

    @Test
    void anAllZeroFeatureColumnLeavesTheScoreUnchanged() {
        // A dead ReLU unit adds a dimension that carries nothing; log|A| counts it as log(alpha),
        // which cancels its share of d/2 log(alpha) (the published main branch would count only
        // the latter when the feature matrix is rank-deficient).
        Case c = referenceCases().findFirst().orElseThrow();
        float[][] padded = new float[c.features().length][];
        for (int i = 0; i < padded.length; i++) {
            padded[i] = java.util.Arrays.copyOf(c.features()[i], c.features()[i].length + 1);
        }
        assertThat(LogMe.score(padded, c.labels())).isCloseTo(c.score(), withinPercentage(1e-6));
    }

    @Test
    void featuresWithNoSignalAtAllGiveAFiniteScoreBelowAnyInformativeOne() {
        Case c = referenceCases().findFirst().orElseThrow();
        float[][] zeros = new float[c.labels().length][4];
        double score = LogMe.score(zeros, c.labels());
        assertThat(score).isFinite().isLessThan(c.score());
    }

    @Test
    void decomposesASymmetricMatrixIntoOrthonormalEigenvectors() {
        Random random = new Random(3);
        int m = 40;
        double[][] b = new double[m][25];
        for (double[] row : b) {
            for (int j = 0; j < row.length; j++) {
                row[j] = random.nextGaussian();
            }
        }
        // B B^T has rank 25: fifteen zero eigenvalues must come out as well as the rest.
        double[][] a = new double[m][m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                for (int k = 0; k < 25; k++) {
                    a[i][j] += b[i][k] * b[j][k];
                }
            }
        }
        double[][] original = Stream.of(a).map(double[]::clone).toArray(double[][]::new);
        SymmetricEigen.Decomposition e = SymmetricEigen.of(a);
        double[][] v = e.vectors();
        int zeros = 0;
        for (int p = 0; p < m; p++) {
            zeros += Math.abs(e.values()[p]) < 1e-9 ? 1 : 0;
            for (int q = 0; q < m; q++) {
                double dot = 0;
                double reconstructed = 0;
                for (int k = 0; k < m; k++) {
                    dot += v[p][k] * v[q][k];
                    reconstructed += v[k][p] * e.values()[k] * v[k][q];
                }
                assertThat(dot).isCloseTo(p == q ? 1 : 0, within(1e-12));
                assertThat(reconstructed).isCloseTo(original[p][q], within(1e-10));
            }
        }
        assertThat(zeros).isEqualTo(15);
    }

    static Stream<Case> referenceCases() {
        try (InputStream in = LogMeTest.class.getResourceAsStream("/logme/reference.json")) {
            JsonNode root = JsonMapper.builder().build().readTree(in);
            List<Case> cases = new ArrayList<>();
            for (JsonNode c : root.get("cases")) {
                JsonNode rows = c.get("features");
                float[][] features = new float[rows.size()][];
                for (int i = 0; i < rows.size(); i++) {
                    features[i] = new float[rows.get(i).size()];
                    for (int j = 0; j < features[i].length; j++) {
                        features[i][j] = (float) rows.get(i).get(j).asDouble();
                    }
                }
                int[] labels = new int[c.get("labels").size()];
                for (int i = 0; i < labels.length; i++) {
                    labels[i] = c.get("labels").get(i).asInt();
                }
                cases.add(new Case(c.get("name").asString(), features, labels, c.get("score").asDouble()));
            }
            return cases.stream();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
