package dev.graft.training;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;

/**
 * {@code bench/pytorch_reference.py} under Debian's own Python, kept running for the whole
 * benchmark so that its rounds can be interleaved with the JVM's without paying for
 * {@code import torch} each time. It waits on stdin, idle, while the JVM measures.
 */
final class PytorchReference implements AutoCloseable {

    // Debian's python3-torch is built for Debian's interpreter; a pyenv python3 earlier on the
    // PATH cannot import it.
    static final Path PYTHON = Path.of("/usr/bin/python3");
    static final Path SCRIPT = Path.of("bench/pytorch_reference.py");

    private final Process process;
    private final BufferedReader out;
    private final Writer in;
    private final JsonNode ready;

    PytorchReference(Path dataDirectory, int threads) {
        if (!Files.isExecutable(PYTHON) || !Files.exists(SCRIPT)) {
            throw new IllegalStateException("Needs " + PYTHON + " with python3-torch and "
                    + SCRIPT + " (run from the repository root): apt-get install -y "
                    + "python3-torch libopenblas0");
        }
        ProcessBuilder builder = new ProcessBuilder(PYTHON.toString(), SCRIPT.toString(),
                "--data", dataDirectory.toString(), "--threads", String.valueOf(threads))
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        // OpenBLAS keeps its own pool; give it the same thread count as PyTorch's.
        builder.environment().put("OPENBLAS_NUM_THREADS", String.valueOf(threads));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        in = process.outputWriter(StandardCharsets.UTF_8);
        ready = readLine();
    }

    /** Torch version, thread count and whether oneDNN is available, as the script reports. */
    JsonNode environment() {
        return ready;
    }

    /** Trains {@code arch} under the full strategy; returns the script's JSON answer. */
    JsonNode train(String arch, String data, int warmupEpochs, int epochs) {
        try {
            in.write(Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(Map.of("arch", arch, "data", data,
                    "warmup", warmupEpochs, "epochs", epochs)) + "\n");
            in.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return readLine();
    }

    private JsonNode readLine() {
        try {
            String line = out.readLine();
            if (line == null) {
                throw new IllegalStateException("The PyTorch reference exited with "
                        + process.waitFor() + " (its error is above)");
            }
            return Json.MAPPER.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            in.close();
            process.waitFor();
        } catch (IOException e) {
            process.destroy();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroy();
        }
    }
}
