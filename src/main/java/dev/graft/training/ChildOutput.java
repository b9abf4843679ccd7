package dev.graft.training;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads what a child process prints (stdout with stderr merged in), line by line on a daemon
 * thread, keeping only the last lines. Each line is cut at {@link #MAX_LINE} bytes: the child may
 * run uploaded code that prints without end or without newlines, and must not fill this
 * process's memory or the disk with it.
 */
public final class ChildOutput {

    public static final int MAX_LINE = 1000;
    private static final int TAIL_LINES = 20;

    private final Deque<String> tail = new ArrayDeque<>();
    private final Thread reader;

    private ChildOutput(InputStream in, String name, Consumer<String> eachLine) {
        this.reader = new Thread(() -> read(in, eachLine), name + "-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Follows {@code process}'s output until it closes, passing every (bounded) line to {@code eachLine}. */
    public static ChildOutput follow(Process process, String name, Consumer<String> eachLine) {
        return new ChildOutput(process.getInputStream(), name, eachLine);
    }

    /** Waits until the child's output has closed and every line was handed on, or the time is up. */
    public boolean awaitEnd(long millis) throws InterruptedException {
        reader.join(millis);
        return !reader.isAlive();
    }

    /** The last lines printed, oldest first. */
    public synchronized List<String> tail() {
        return new ArrayList<>(tail);
    }

    private void read(InputStream in, Consumer<String> eachLine) {
        byte[] line = new byte[MAX_LINE];
        int length = 0;
        byte[] buffer = new byte[8192];
        try (in) {
            for (int n; (n = in.read(buffer)) != -1;) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        emit(new String(line, 0, length, StandardCharsets.UTF_8), eachLine);
                        length = 0;
                    }
                    else if (length < MAX_LINE) {
                        line[length++] = buffer[i];
                    }
                }
            }
            if (length > 0) {
                emit(new String(line, 0, length, StandardCharsets.UTF_8), eachLine);
            }
        }
        catch (IOException e) {
            // The child is gone or its pipe was closed: nothing more to read.
        }
    }

    private void emit(String line, Consumer<String> eachLine) {
        synchronized (this) {
            if (tail.size() == TAIL_LINES) {
                tail.removeFirst();
            }
            tail.addLast(line);
        }
        eachLine.accept(line);
    }
}
