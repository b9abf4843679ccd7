package dev.graft.inference;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.graft.training.EncodedBatch;

/**
 * The protocol between the API and an isolated model process ({@link IsolatedInferenceProcess}),
 * over a Unix domain socket: frames of a 4-byte length and a payload, never text lines, so
 * nothing the model prints can pass for a message (it prints to the process's stdout, which the
 * API only logs). The API sends an {@link EncodedBatch}; the process answers with a status byte
 * and the class probabilities, or a message. Every length read is checked against a bound before
 * memory is spent on it: the process runs code the API does not trust.
 */
final class ModelChannel {

    static final byte OK = 0;
    static final byte FAILED = 1;
    private static final byte FLOATS = 1;
    private static final byte IDS = 2;
    private static final int MAX_RANK = 8;
    static final int MAX_MESSAGE = 2000;

    private ModelChannel() {
    }

    static void write(ByteChannel channel, ByteBuffer payload) throws IOException {
        ByteBuffer length = ByteBuffer.allocate(4).putInt(0, payload.remaining());
        while (length.hasRemaining()) {
            channel.write(length);
        }
        while (payload.hasRemaining()) {
            channel.write(payload);
        }
    }

    /** The next frame, or null when the peer closed the channel between frames. */
    static ByteBuffer read(ByteChannel channel, int maxBytes) throws IOException {
        ByteBuffer length = ByteBuffer.allocate(4);
        if (!fill(channel, length, true)) {
            return null;
        }
        int size = length.getInt(0);
        if (size < 0 || size > maxBytes) {
            throw new IOException("Frame of " + size + " bytes; at most " + maxBytes + " expected");
        }
        ByteBuffer payload = ByteBuffer.allocate(size);
        fill(channel, payload, false);
        return payload.flip();
    }

    private static boolean fill(ByteChannel channel, ByteBuffer buffer, boolean endAllowed) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                if (endAllowed && buffer.position() == 0) {
                    return false;
                }
                throw new EOFException("Channel closed in the middle of a frame");
            }
        }
        return true;
    }

    static ByteBuffer request(EncodedBatch batch) {
        long[] shape = batch.shape();
        int values = batch.floats() != null ? batch.floats().length : batch.ids().length;
        int width = batch.floats() != null ? Float.BYTES : Long.BYTES;
        ByteBuffer out = ByteBuffer.allocate(1 + 4 + shape.length * Long.BYTES + values * width);
        out.put(batch.floats() != null ? FLOATS : IDS).putInt(shape.length);
        for (long dimension : shape) {
            out.putLong(dimension);
        }
        if (batch.floats() != null) {
            out.asFloatBuffer().put(batch.floats());
        }
        else {
            out.asLongBuffer().put(batch.ids());
        }
        return out.position(out.capacity()).flip();
    }

    static EncodedBatch batch(ByteBuffer in) throws IOException {
        byte kind = in.get();
        int rank = in.getInt();
        if ((kind != FLOATS && kind != IDS) || rank < 1 || rank > MAX_RANK) {
            throw new IOException("Malformed request");
        }
        long[] shape = new long[rank];
        long size = 1;
        for (int i = 0; i < rank; i++) {
            shape[i] = in.getLong();
            size = shape[i] < 0 ? -1 : Math.multiplyExact(size, shape[i]);
            if (size < 0) {
                throw new IOException("Malformed request shape");
            }
        }
        int width = kind == FLOATS ? Float.BYTES : Long.BYTES;
        if (size * width != in.remaining()) {
            throw new IOException("Request data does not match its shape");
        }
        if (kind == FLOATS) {
            float[] floats = new float[(int) size];
            in.asFloatBuffer().get(floats);
            return new EncodedBatch(shape, floats, null);
        }
        long[] ids = new long[(int) size];
        in.asLongBuffer().get(ids);
        return new EncodedBatch(shape, null, ids);
    }

    /** A successful answer: the model is ready ({@code rows} 0) or these are its probabilities. */
    static ByteBuffer answer(List<float[]> rows, int columns) {
        ByteBuffer out = ByteBuffer.allocate(1 + 8 + rows.size() * columns * Float.BYTES);
        out.put(OK).putInt(rows.size()).putInt(columns);
        for (float[] row : rows) {
            for (float value : row) {
                out.putFloat(value);
            }
        }
        return out.flip();
    }

    static ByteBuffer failure(String message) {
        byte[] text = message.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(text.length, MAX_MESSAGE);
        return ByteBuffer.allocate(1 + length).put(FAILED).put(text, 0, length).flip();
    }

    /** The largest frame an answer of {@code rows} x {@code columns} can take. */
    static int maxAnswer(int rows, int columns) {
        return Math.max(1 + 8 + Math.multiplyExact(Math.multiplyExact(rows, columns), Float.BYTES), 1 + MAX_MESSAGE);
    }

    /**
     * Reads an answer that must hold exactly {@code rows} x {@code columns} probabilities.
     *
     * @throws ModelFailure when the process reports that the model failed on this input
     * @throws IOException  when the answer is not what was asked for
     */
    static List<float[]> probabilities(ByteBuffer in, int rows, int columns) throws IOException {
        if (in.remaining() < 1) {
            throw new IOException("Empty answer");
        }
        byte status = in.get();
        if (status == FAILED) {
            throw new ModelFailure(StandardCharsets.UTF_8.decode(in).toString());
        }
        if (status != OK || in.remaining() < 8 || in.getInt() != rows || in.getInt() != columns
                || in.remaining() != rows * columns * Float.BYTES) {
            throw new IOException("Answer does not match the request");
        }
        List<float[]> out = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            float[] row = new float[columns];
            in.asFloatBuffer().get(row);
            in.position(in.position() + columns * Float.BYTES);
            out.add(row);
        }
        return out;
    }

    /** The model process reported that the model itself failed (its process is still usable). */
    static final class ModelFailure extends RuntimeException {
        ModelFailure(String message) {
            super(message, null, false, false);
        }
    }
}
