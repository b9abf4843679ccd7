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
import java.util.OptionalLong;

/** Strict UTF-8 for text uploads: bad bytes are reported with their line, never replaced by U+FFFD. */
final class StrictUtf8 {

    private StrictUtf8() {
    }

    private static CharsetDecoder decoder() {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    /**
     * The 1-based line holding the first invalid byte sequence, or empty when the file is valid.
     * A separate pass because parsers surface decoding failures without a usable position; counting
     * 0x0A bytes is exact since that byte never occurs inside a multi-byte UTF-8 sequence.
     */
    static OptionalLong firstInvalidLine(Path file) throws IOException {
        CharsetDecoder decoder = decoder();
        ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        CharBuffer out = CharBuffer.allocate(64 * 1024);
        long newlines = 0;
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
                newlines += countNewlines(in.array(), start, in.position());
                if (result.isError()) {
                    return OptionalLong.of(newlines + 1);
                }
                out.clear();
                in.compact();
            }
            if (decoder.flush(out).isError()) {
                return OptionalLong.of(newlines + 1);
            }
        }
        return OptionalLong.empty();
    }

    private static long countNewlines(byte[] bytes, int from, int to) {
        long count = 0;
        for (int i = from; i < to; i++) {
            if (bytes[i] == '\n') {
                count++;
            }
        }
        return count;
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
     * Checks the file is non-empty valid UTF-8, recording the problem otherwise.
     *
     * @return true when the file can be parsed
     */
    static boolean check(Path file, DatasetErrors errors) throws IOException {
        if (Files.size(file) == 0) {
            errors.add("file", "the file is empty");
            return false;
        }
        OptionalLong badLine = firstInvalidLine(file);
        if (badLine.isPresent()) {
            errors.add(Long.toString(badLine.getAsLong()),
                    "line " + badLine.getAsLong() + " is not valid UTF-8; save the file as UTF-8");
            return false;
        }
        return true;
    }
}
