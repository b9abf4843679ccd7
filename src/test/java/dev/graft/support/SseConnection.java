package dev.graft.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * A live event stream over a plain socket, so a test can read it line by line as it arrives and
 * drop it the way a client that went away does (the socket closes, nothing more is read). Every
 * read gives up after {@code timeout}, so a stream that never sends fails the test instead of
 * hanging it.
 */
public final class SseConnection implements AutoCloseable {

    private final Socket socket;
    private final BufferedReader in;
    private final int status;

    private SseConnection(Socket socket, BufferedReader in, int status) {
        this.socket = socket;
        this.in = in;
        this.status = status;
    }

    /** Sends {@code GET path} with {@code Accept: text/event-stream} and reads the status line and headers. */
    public static SseConnection open(int port, String path, Duration timeout) {
        try {
            Socket socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout((int) timeout.toMillis());
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            int status = Integer.parseInt(in.readLine().split(" ")[1]);
            String header;
            do {
                header = in.readLine();
            } while (header != null && !header.isEmpty());
            return new SseConnection(socket, in, status);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int status() {
        return status;
    }

    /** Reads until a line matches; fails if the stream ends or stays silent past the timeout first. */
    public String awaitLine(Predicate<String> wanted) {
        try {
            String line;
            while ((line = in.readLine()) != null) {
                if (wanted.test(line)) {
                    return line;
                }
            }
            throw new AssertionError("The stream ended before the line expected");
        }
        catch (IOException e) {
            throw new AssertionError("No such line before the stream went silent: " + e, e);
        }
    }

    /** Reads to the end of the stream (the server closed it); fails if it stays silent past the timeout. */
    public String readToEnd() {
        StringBuilder all = new StringBuilder();
        try {
            String line;
            while ((line = in.readLine()) != null) {
                all.append(line).append('\n');
                // Chunked encoding: the zero-length chunk ends the response, though the connection may stay open.
                if (line.equals("0")) {
                    break;
                }
            }
            return all.toString();
        }
        catch (IOException e) {
            throw new AssertionError("The stream did not end: " + e + "; read so far:\n" + all, e);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        }
        catch (IOException ignored) {
            // closing anyway
        }
    }
}
