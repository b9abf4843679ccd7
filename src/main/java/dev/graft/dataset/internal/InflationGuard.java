package dev.graft.dataset.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.commons.compress.utils.InputStreamStatistics;

/**
 * Counts the bytes really inflated from archive entries, across the whole archive, and stops
 * reading once a limit is passed. Header sizes can lie; inflated bytes cannot.
 */
final class InflationGuard {

    private final DatasetLimits.Archive limits;
    private long totalInflated;
    private Violation violation;

    InflationGuard(DatasetLimits.Archive limits) {
        this.limits = limits;
    }

    /** A limit that was passed; {@code wholeArchive} when it is the archive's total, not one entry's ratio. */
    record Violation(String message, boolean wholeArchive) {
    }

    /** The first limit passed, or null. Decoders may wrap or swallow our exception, so callers ask. */
    Violation violation() {
        return violation;
    }

    InputStream guard(InputStream entryStream, long headerCompressedSize) {
        return new Counting(entryStream, headerCompressedSize);
    }

    static final class LimitExceededException extends IOException {
        LimitExceededException(String message) {
            super(message);
        }
    }

    private final class Counting extends FilterInputStream {

        private final long headerCompressedSize;
        private long inflated;

        Counting(InputStream in, long headerCompressedSize) {
            super(in);
            this.headerCompressedSize = headerCompressedSize;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            checkNotViolated();
            int n = super.read(b, off, len);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            // Route skips through read so skipped bytes are inflated and counted too.
            byte[] buffer = new byte[(int) Math.min(8192, Math.max(n, 1))];
            long skipped = 0;
            while (skipped < n) {
                int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
                if (r < 0) {
                    break;
                }
                skipped += r;
            }
            return skipped;
        }

        private void count(int n) throws LimitExceededException {
            inflated += n;
            totalInflated += n;
            if (totalInflated > limits.maxUncompressedBytes()) {
                fail("archive inflates to more than " + limits.maxUncompressedBytes() + " bytes", true);
            }
            if (inflated > limits.ratioCheckThresholdBytes()) {
                // The inflater's own count of compressed bytes consumed is the truth; the header's
                // compressed size is only a fallback for streams that do not report it.
                long compressed = in instanceof InputStreamStatistics stats
                        ? stats.getCompressedCount() : headerCompressedSize;
                double ratio = (double) inflated / Math.max(compressed, 1);
                if (ratio > limits.maxInflateRatio()) {
                    fail(String.format("entry inflates more than %.0f times its compressed size (zip bomb)",
                            limits.maxInflateRatio()), false);
                }
            }
        }

        private void checkNotViolated() throws LimitExceededException {
            if (violation != null) {
                throw new LimitExceededException(violation.message());
            }
        }

        private void fail(String message, boolean wholeArchive) throws LimitExceededException {
            violation = new Violation(message, wholeArchive);
            throw new LimitExceededException(message);
        }
    }
}
