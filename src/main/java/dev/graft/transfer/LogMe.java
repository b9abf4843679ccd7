package dev.graft.transfer;

/**
 * LogME (You et al., "LogME: Practical Assessment of Pre-trained Models for Transfer Learning",
 * ICML 2021): how well a linear model on frozen features can explain the labels, as the maximum
 * log evidence of a Bayesian linear regression onto each class's one-vs-rest indicator, divided
 * by the number of examples and averaged over classes. Higher is better; no training involved.
 *
 * <p>Follows the reference implementation's default path ({@code LogME._fit_fixed_point} in
 * thuml/LogME, from the JMLR 2022 extension "Ranking and Tuning Pre-trained Models"): decompose
 * F once, then per class iterate {@code alpha, beta} to a fixed point in the singular basis,
 * where every step costs O(rank). One deliberate difference: the log-determinant of
 * {@code A = alpha I + beta F^T F} (d x d) counts all d eigenvalues, zeros included, as thuml/LogME
 * issue #23 and pull request #24 fix for {@code n < d}; the published main branch drops them and
 * overstates the evidence when there are fewer examples than features. The same padding covers
 * rank-deficient features with {@code n > d} (dead ReLU units, say), where an all-zero column now
 * leaves the score unchanged. The fixtures (scripts/logme-reference.py) come from the reference's
 * own code, the {@code n < d} one from the pull request's.
 */
final class LogMe {

    private static final int MAX_ITERATIONS = 11;
    private static final double TOLERANCE = 1e-3;
    // The reference's guard against division by zero, kept for identical results.
    private static final double EPSILON = 1e-5;
    // In the d x d path, eigenvalues below this share of the largest are rounding noise of
    // F^T F; dividing F v by their square root would turn noise into a unit vector.
    private static final double RANK_TOLERANCE = 1e-12;

    private LogMe() {
    }

    /**
     * @param features n rows of d values (an embedding per example)
     * @param labels   n class indices in {@code [0, C)}; C is the largest plus one
     * @return the LogME score, the mean over classes of the per-example log evidence
     */
    static double score(float[][] features, int[] labels) {
        int n = features.length;
        if (n == 0 || labels.length != n) {
            throw new IllegalArgumentException("Need one label per feature row, and at least one row");
        }
        int d = features[0].length;
        int classes = 0;
        for (int i = 0; i < n; i++) {
            if (features[i].length != d) {
                throw new IllegalArgumentException("Feature rows differ in length");
            }
            if (labels[i] < 0) {
                throw new IllegalArgumentException("Labels must be non-negative");
            }
            classes = Math.max(classes, labels[i] + 1);
        }
        Basis basis = basis(features, n, d);
        double sum = 0;
        double[] y = new double[n];
        for (int c = 0; c < classes; c++) {
            for (int i = 0; i < n; i++) {
                y[i] = labels[i] == c ? 1 : 0;
            }
            sum += evidence(basis, y, n);
        }
        return sum / classes;
    }

    /**
     * The singular directions of F: {@code u[j]} is the j-th left singular vector (length n) and
     * {@code sigma[j]} the square of its singular value, for the {@code k} directions kept.
     */
    private record Basis(double[][] u, double[] sigma) {
    }

    // Like the reference: the n x n Gram matrix F F^T when n <= d (its eigenvectors are U), else
    // the d x d matrix F^T F (eigenvectors V, then U = F V / S on the non-zero singular values).
    private static Basis basis(float[][] f, int n, int d) {
        if (n <= d) {
            double[][] gram = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = i; j < n; j++) {
                    double dot = 0;
                    for (int k = 0; k < d; k++) {
                        dot += (double) f[i][k] * f[j][k];
                    }
                    gram[i][j] = dot;
                    gram[j][i] = dot;
                }
            }
            SymmetricEigen.Decomposition e = SymmetricEigen.of(gram);
            // Eigenvalues at or below zero (rounding of a rank-deficient F) are null space: their
            // part of y lands in the residual, exactly as a zero sigma would leave it.
            int k = 0;
            for (double value : e.values()) {
                k += value > 0 ? 1 : 0;
            }
            double[][] u = new double[k][];
            double[] sigma = new double[k];
            for (int j = 0, kept = 0; j < n; j++) {
                if (e.values()[j] > 0) {
                    u[kept] = e.vectors()[j];
                    sigma[kept++] = e.values()[j];
                }
            }
            return new Basis(u, sigma);
        }
        double[][] covariance = new double[d][d];
        for (float[] row : f) {
            for (int a = 0; a < d; a++) {
                double x = row[a];
                if (x == 0) {
                    continue;
                }
                double[] out = covariance[a];
                for (int b = a; b < d; b++) {
                    out[b] += x * row[b];
                }
            }
        }
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < a; b++) {
                covariance[a][b] = covariance[b][a];
            }
        }
        SymmetricEigen.Decomposition e = SymmetricEigen.of(covariance);
        double largest = 0;
        for (double value : e.values()) {
            largest = Math.max(largest, value);
        }
        int k = 0;
        int[] kept = new int[d];
        for (int j = 0; j < d; j++) {
            if (e.values()[j] > RANK_TOLERANCE * largest) {
                kept[k++] = j;
            }
        }
        double[][] u = new double[k][n];
        double[] sigma = new double[k];
        for (int j = 0; j < k; j++) {
            double[] v = e.vectors()[kept[j]];
            sigma[j] = e.values()[kept[j]];
            double s = Math.sqrt(sigma[j]);
            for (int i = 0; i < n; i++) {
                double dot = 0;
                for (int a = 0; a < d; a++) {
                    dot += f[i][a] * v[a];
                }
                u[j][i] = dot / s;
            }
        }
        return new Basis(u, sigma);
    }

    /** The maximum log evidence per example of one target column, as the reference computes it. */
    private static double evidence(Basis basis, double[] y, int n) {
        double[] sigma = basis.sigma();
        int k = sigma.length;
        double[] x2 = new double[k];
        double projected = 0;
        double total = 0;
        for (double v : y) {
            total += v * v;
        }
        for (int j = 0; j < k; j++) {
            double x = 0;
            double[] u = basis.u()[j];
            for (int i = 0; i < n; i++) {
                x += u[i] * y[i];
            }
            x2[j] = x * x;
            projected += x2[j];
        }
        // The part of y outside the span of F, which no weights can fit.
        double residualOutside = total - projected;
        double alpha = 1;
        double beta = 1;
        double m2 = 0;
        double res2 = 0;
        for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
            double t = alpha / beta;
            double gamma = 0;
            m2 = 0;
            res2 = residualOutside;
            for (int j = 0; j < k; j++) {
                gamma += sigma[j] / (sigma[j] + t);
                m2 += sigma[j] * x2[j] / ((t + sigma[j]) * (t + sigma[j]));
                double shrink = 1 + sigma[j] / t;
                res2 += x2[j] / (shrink * shrink);
            }
            alpha = gamma / (m2 + EPSILON);
            beta = (n - gamma) / (res2 + EPSILON);
            if (Math.abs(alpha / beta - t) / t <= TOLERANCE) {
                break;
            }
        }
        // The reference's d/2 log(alpha) - 1/2 log|A|, with log|A| = (d - k) log(alpha) +
        // sum_j log(alpha + beta sigma_j) over all d eigenvalues of A (see the class comment),
        // simplified so that features with no signal at all (k = 0, alpha = 0) give the finite
        // evidence of a model that explains nothing instead of infinity minus infinity.
        double logDetTerm = 0;
        for (int j = 0; j < k; j++) {
            logDetTerm += Math.log1p(beta / alpha * sigma[j]);
        }
        double evidence = n / 2.0 * Math.log(beta) - 0.5 * logDetTerm - beta / 2.0 * res2
                - alpha / 2.0 * m2 - n / 2.0 * Math.log(2 * Math.PI);
        return evidence / n;
    }
}
