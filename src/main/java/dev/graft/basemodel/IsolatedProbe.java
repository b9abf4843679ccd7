package dev.graft.basemodel;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.graft.training.ChildJvm;
import dev.graft.training.ChildOutput;
import dev.graft.web.FieldError;

/**
 * Runs {@link TorchScriptProbe} in a separate, short-lived JVM. A TorchScript file is a program:
 * loading and running it executes native code of the uploader's choosing, so that never happens
 * inside the API process. The child gets the probe's JVM options, a scrubbed environment
 * ({@link ChildJvm#isolated}) and a time limit; a crash, a hang or an out-of-memory there only
 * refuses the import.
 *
 * <p>The module can print whatever it likes on the child's stdout, so a verdict counts only when
 * it carries a random nonce that this process writes to the child's stdin, and the child reads,
 * before the module is loaded: the module can print, but cannot learn the nonce.
 */
final class IsolatedProbe {

    private static final Logger log = LoggerFactory.getLogger(IsolatedProbe.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private IsolatedProbe() {
    }

    static FieldError check(Path file, List<Integer> inputShape, int embeddingSize, List<String> jvmOptions,
            Path dataDirectory, Duration timeout) {
        List<String> options = new ArrayList<>(jvmOptions);
        // DJL unpacks its natives under the data directory, as in every other Graft process.
        options.add("-Dgraft.data-directory=" + dataDirectory.toAbsolutePath());
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        String nonce = HexFormat.of().formatHex(random);
        AtomicReference<String> verdict = new AtomicReference<>();
        try {
            Process process = ChildJvm.isolated(options, TorchScriptProbeProcess.class.getName(),
                    List.of(file.toAbsolutePath().toString(),
                            inputShape.stream().map(String::valueOf).collect(Collectors.joining(",")),
                            Integer.toString(embeddingSize)))
                    .redirectErrorStream(true).start();
            ChildOutput output = ChildOutput.follow(process, "torchscript-probe", line -> {
                if (line.startsWith(nonce + TorchScriptProbeProcess.SEPARATOR)) {
                    verdict.compareAndSet(null, line.substring(nonce.length() + 1));
                }
            });
            sendNonce(process, nonce);
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return new FieldError("file", "the module did not load and answer a dummy batch within " + timeout.toSeconds()
                        + " s; the probe was stopped");
            }
            output.awaitEnd(5000);
            String said = verdict.get();
            if (TorchScriptProbeProcess.OK.equals(said)) {
                return null;
            }
            if (said != null && said.startsWith(TorchScriptProbeProcess.PROBLEM)) {
                String[] parts = said.substring(TorchScriptProbeProcess.PROBLEM.length()).split("\t", 2);
                return new FieldError(parts[0], parts.length > 1 ? parts[1] : "is not usable");
            }
            log.warn("TorchScript probe exited with code {} and no verdict; its last output:\n{}", process.exitValue(),
                    String.join("\n", output.tail()));
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
    }

    private static void sendNonce(Process process, String nonce) {
        try (OutputStream in = process.getOutputStream()) {
            in.write((nonce + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        catch (IOException e) {
            // The child died before reading it: it gives no verdict, and the import is refused.
            log.debug("Probe process closed its input early", e);
        }
    }
}
