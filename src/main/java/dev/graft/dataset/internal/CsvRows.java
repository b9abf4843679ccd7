package dev.graft.dataset.internal;

import java.io.FilterReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.Iterator;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * CSV records with the physical line each starts on, blank lines skipped. commons-csv only knows
 * how many line breaks it has consumed, so a record's start is one past where the previous ended;
 * that stays right when a quoted field spans lines.
 *
 * <p>commons-csv has no bound on a field: a quoted field can run over any number of lines into one
 * string. Records are therefore read through a reader that counts the characters handed to the
 * parser since the last record ended and fails past the line limit, and the records themselves
 * are counted against the row limit.
 */
final class CsvRows {

    /** One record and the 1-based line it starts on. */
    record Row(long line, CSVRecord record) {

        int size() {
            return record.size();
        }

        String get(int index) {
            return record.get(index);
        }
    }

    interface RowHandler {
        /** @return false to stop reading */
        boolean handle(Row row);
    }

    /**
     * For files validated at upload: no limits, so that a dataset stays readable after the limits
     * are lowered. (A quarter of the long range leaves room for the read-ahead arithmetic.)
     */
    static final DatasetLimits.Rows VALIDATED = new DatasetLimits.Rows(Long.MAX_VALUE / 4, Long.MAX_VALUE);

    // Empty lines are kept (not ignored by the parser) so that the line arithmetic sees them.
    private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder().setIgnoreEmptyLines(false).get();

    private CsvRows() {
    }

    /**
     * Feeds every non-blank record to {@code handler}, the first being the header. A syntax error
     * (say an unclosed quote) or a record over the line limit is recorded at the line where the
     * broken record starts and ends the reading, as does a data row past the row limit.
     */
    static void read(Reader reader, DatasetLimits.Rows limits, DatasetErrors errors, RowHandler handler) throws IOException {
        BoundedRecords bounded = new BoundedRecords(reader, limits.maxLineBytes());
        try (CSVParser parser = CSVParser.builder().setReader(bounded).setFormat(FORMAT).get()) {
            Iterator<CSVRecord> records = parser.iterator();
            long previousEnd = 0;
            long rows = -1; // the header is not a data row
            while (true) {
                CSVRecord record;
                try {
                    if (!records.hasNext()) {
                        return;
                    }
                    record = records.next();
                } catch (UncheckedIOException | IllegalStateException e) {
                    errors.add(Long.toString(previousEnd + 1), bounded.exceeded()
                            ? "record is longer than " + limits.maxLineBytes() + " bytes (graft.datasets.max-line-size)"
                            : "malformed CSV: a quoted field is not closed, or characters follow its closing quote");
                    return;
                }
                bounded.recordEnded();
                long start = previousEnd + 1;
                previousEnd = parser.getCurrentLineNumber();
                if (isBlank(record)) {
                    continue;
                }
                if (++rows > limits.maxRows()) {
                    errors.add(Long.toString(start), "more than " + limits.maxRows() + " rows (graft.datasets.max-rows)");
                    return;
                }
                if (!handler.handle(new Row(start, record))) {
                    return;
                }
            }
        }
    }

    private static boolean isBlank(CSVRecord record) {
        return record.size() == 1 && record.get(0).isBlank();
    }

    /**
     * Fails a read once more than {@code max} characters (at most one per UTF-8 byte) plus the
     * parser's read-ahead have gone to the parser since the last record ended, so one record,
     * and each of its fields, holds at most about that much.
     */
    private static final class BoundedRecords extends FilterReader {
        // commons-csv reads through a BufferedReader of 8192 characters; allow that much lookahead.
        private static final int READ_AHEAD = 2 * 8192;

        private final long max;
        private long read;
        private long recordEnd;
        private boolean exceeded;

        BoundedRecords(Reader in, long max) {
            super(in);
            this.max = max;
        }

        void recordEnded() {
            recordEnd = read;
        }

        boolean exceeded() {
            return exceeded;
        }

        @Override
        public int read() throws IOException {
            char[] one = new char[1];
            return read(one, 0, 1) < 0 ? -1 : one[0];
        }

        @Override
        public int read(char[] buffer, int offset, int length) throws IOException {
            if (read - recordEnd > max + READ_AHEAD) {
                exceeded = true;
                throw new IOException("record over the line limit");
            }
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                read += n;
            }
            return n;
        }
    }
}
