package dev.graft.dataset.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Strict UTF-8 for text uploads: bad bytes are reported with their line, never replaced by U+FFFD. */
final class StrictUtf8 {

    private StrictUtf8() {
    }

    private static CharsetDecoder decoder() {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    /** The first fault of a text file, at its 1-based line, or none ({@code line} 0). */
    record Fault(long line, String message) {
        static final Fault NONE = new Fault(0, null);
    }

    /**
     * The first line that is not valid UTF-8 or is longer than {@code maxLineBytes}, in one
     * streaming pass that holds at most a buffer of the file: a separate pass because parsers
     * surface decoding failures without a usable position, and because a reader must know a line
     * fits before it builds it (a 350 MB line would otherwise become a 350 MB string). Counting
     * 0x0A bytes is exact since that byte never occurs inside a multi-byte UTF-8 sequence.
     */
    static Fault firstFault(Path file, long maxLineBytes) throws IOException {
        CharsetDecoder decoder = decoder();
        ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        CharBuffer out = CharBuffer.allocate(64 * 1024);
        LineCounter lines = new LineCounter(maxLineBytes);
        try (InputStream stream = Files.newInputStream(file)) {
            boolean eof = false;
            while (!eof) {
                int n = stream.read(in.array(), in.position(), in.remaining());
                eof = n < 0;
                if (n > 0) {
                    in.position(in.position() + n);
                }
                in.flip();
                int start = in.position();
                CoderResult result = decoder.decode(in, out, eof);
                if (lines.count(in.array(), start, in.position())) {
                    return lines.tooLong();
                }
                if (result.isError()) {
                    return invalid(lines.current());
                }
                out.clear();
                in.compact();
            }
            if (decoder.flush(out).isError()) {
                return invalid(lines.current());
            }
        }
        return Fault.NONE;
    }

    private static Fault invalid(long line) {
        return new Fault(line, "line " + line + " is not valid UTF-8; save the file as UTF-8");
    }

    /** Line numbers and the length of the line being read, over consecutive byte ranges. */
    private static final class LineCounter {
        private final long max;
        private long newlines;
        private long length;

        LineCounter(long max) {
            this.max = max;
        }

        /** @return true once the current line is longer than the limit */
        boolean count(byte[] bytes, int from, int to) {
            for (int i = from; i < to; i++) {
                if (bytes[i] == '\n') {
                    newlines++;
                    length = 0;
                }
                else if (++length > max) {
                    return true;
                }
            }
            return false;
        }

        long current() {
            return newlines + 1;
        }

        Fault tooLong() {
            return new Fault(current(), "line " + current() + " is longer than " + max
                    + " bytes (graft.datasets.max-line-size)");
        }
    }

    /** A reader that fails on bad bytes and drops a leading byte-order mark (Excel writes one). */
    static BufferedReader open(Path file) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(Files.newInputStream(file), decoder()));
        reader.mark(1);
        if (reader.read() != '\uFEFF') {
            reader.reset();
        }
        return reader;
    }

    /**
     * Checks the file is non-empty valid UTF-8 with no line longer than {@code maxLineBytes},
     * recording the problem otherwise.
     *
     * @return true when the file can be parsed
     */
    static boolean check(Path file, long maxLineBytes, DatasetErrors errors) throws IOException {
        if (Files.size(file) == 0) {
            errors.add("file", "the file is empty");
            return false;
        }
        Fault fault = firstFault(file, maxLineBytes);
        if (fault.line() > 0) {
            errors.add(Long.toString(fault.line()), fault.message());
            return false;
        }
        return true;
    }
}
