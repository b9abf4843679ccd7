package dev.graft.basemodel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.graft.training.ChildJvm;
import dev.graft.web.FieldError;

/**
 * Runs {@link TorchScriptProbe} in a separate, short-lived JVM. A TorchScript file is a program:
 * loading and running it executes native code of the uploader's choosing, so that never happens
 * inside the API process. The child gets the workers' JVM options (heap limit and the like) and a
 * time limit; a crash, a hang or an out-of-memory there only refuses the import.
 */
final class IsolatedProbe {

    private static final Logger log = LoggerFactory.getLogger(IsolatedProbe.class);

    private IsolatedProbe() {
    }

    static FieldError check(Path file, List<Integer> inputShape, int embeddingSize, List<String> jvmOptions,
            Path dataDirectory, Duration timeout) {
        List<String> options = new ArrayList<>(jvmOptions);
        // DJL unpacks its natives under the data directory, as in every other Graft process.
        options.add("-Dgraft.data-directory=" + dataDirectory.toAbsolutePath());
        List<String> command = new ArrayList<>(ChildJvm.command(options, TorchScriptProbeProcess.class.getName()));
        command.add(file.toAbsolutePath().toString());
        command.add(inputShape.stream().map(String::valueOf).collect(Collectors.joining(",")));
        command.add(Integer.toString(embeddingSize));
        Path output = null;
        try {
            output = Files.createTempFile("graft-probe-", ".out");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return new FieldError("file", "the module did not load and answer a dummy batch within " + timeout.toSeconds()
                        + " s; the probe was stopped");
            }
            List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
            for (String line : lines) {
                if (line.startsWith(TorchScriptProbeProcess.OK)) {
                    return null;
                }
                if (line.startsWith(TorchScriptProbeProcess.PROBLEM)) {
                    String[] parts = line.substring(TorchScriptProbeProcess.PROBLEM.length()).split("\t", 2);
                    return new FieldError(parts[0], parts.length > 1 ? parts[1] : "is not usable");
                }
            }
            log.warn("TorchScript probe exited with code {} and no verdict; its output:\n{}", process.exitValue(),
                    String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())));
            return new FieldError("file", "loading or running the module ended the probe process (exit code "
                    + process.exitValue() + ")");
        }
        catch (IOException e) {
            throw new IllegalStateException("Cannot start the TorchScript probe process: " + e.getMessage(), e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while probing a TorchScript module", e);
        }
        finally {
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                }
                catch (IOException e) {
                    log.debug("Could not delete {}", output, e);
                }
            }
        }
    }
}
