package dev.graft.transfer;

/**
 * Eigenvalues and eigenvectors of a real symmetric matrix by cyclic Jacobi rotations (Golub and
 * Van Loan, "Matrix Computations", section 8.5). LogME only ever decomposes a Gram matrix of at
 * most a few hundred rows (the smaller of examples and embedding width), where Jacobi's cubic
 * cost per sweep is a fraction of a second and its accuracy on small eigenvalues is the best of
 * the classical methods; no linear-algebra dependency is needed for that.
 */
final class SymmetricEigen {

    private static final int MAX_SWEEPS = 60;
    // A rotation whose off-diagonal entry is this small against the geometric mean of its two
    // diagonal entries moves the eigenvalues by less than rounding does (relative accuracy of
    // Jacobi on positive semi-definite matrices, Demmel and Veselic 1992).
    private static final double NEGLIGIBLE = 1e-15;

    /** Eigenvalues, and eigenvector {@code j} as row {@code j} of {@code vectors} (unit length). */
    record Decomposition(double[] values, double[][] vectors) {
    }

    private SymmetricEigen() {
    }

    /** Decomposes {@code a}, which it overwrites; only symmetric input gives a meaningful answer. */
    static Decomposition of(double[][] a) {
        int m = a.length;
        double[][] v = new double[m][m];
        for (int i = 0; i < m; i++) {
            v[i][i] = 1;
        }
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            boolean rotated = false;
            for (int p = 0; p < m - 1; p++) {
                for (int q = p + 1; q < m; q++) {
                    double apq = a[p][q];
                    if (apq == 0
                            || Math.abs(apq) <= NEGLIGIBLE * Math.sqrt(Math.abs(a[p][p] * a[q][q]))) {
                        continue;
                    }
                    rotate(a, v, p, q);
                    rotated = true;
                }
            }
            if (!rotated) {
                break;
            }
        }
        double[] values = new double[m];
        for (int i = 0; i < m; i++) {
            values[i] = a[i][i];
        }
        return new Decomposition(values, v);
    }

    // Zeroes a[p][q] with the rotation of Golub and Van Loan's Algorithm 8.5.1 (sym.schur2),
    // applied on both sides of a and accumulated into the rows of v.
    private static void rotate(double[][] a, double[][] v, int p, int q) {
        double apq = a[p][q];
        double theta = (a[q][q] - a[p][p]) / (2 * apq);
        // The smaller root of t^2 + 2 theta t - 1 = 0 (a rotation of at most 45 degrees); past
        // 1e150, theta^2 would overflow and 1 / (2 theta) is the root to double precision.
        double root = Math.abs(theta) > 1e150 ? 2 * Math.abs(theta)
                : Math.abs(theta) + Math.sqrt(theta * theta + 1);
        double t = (theta >= 0 ? 1 : -1) / root;
        double c = 1 / Math.sqrt(t * t + 1);
        double s = t * c;
        int m = a.length;
        double[] rowP = a[p];
        double[] rowQ = a[q];
        for (int k = 0; k < m; k++) {
            if (k == p || k == q) {
                continue;
            }
            double akp = rowP[k];
            double akq = rowQ[k];
            double newP = c * akp - s * akq;
            double newQ = s * akp + c * akq;
            rowP[k] = newP;
            rowQ[k] = newQ;
            a[k][p] = newP;
            a[k][q] = newQ;
        }
        rowP[p] -= t * apq;
        rowQ[q] += t * apq;
        rowP[q] = 0;
        rowQ[p] = 0;
        double[] vp = v[p];
        double[] vq = v[q];
        for (int k = 0; k < m; k++) {
            double x = vp[k];
            double y = vq[k];
            vp[k] = c * x - s * y;
            vq[k] = s * x + c * y;
        }
    }
}
