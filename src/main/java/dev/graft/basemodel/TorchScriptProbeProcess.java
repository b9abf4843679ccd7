package dev.graft.basemodel;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import dev.graft.training.ChildJvm;
import dev.graft.web.FieldError;

/**
 * The main class of the probe process ({@link IsolatedProbe}): arguments are the module file,
 * the input shape ({@code 3,32,32}) and the embedding size; the first line on stdin is the
 * parent's nonce. The verdict is one line on stdout, the nonce, a space and {@link #OK} or
 * {@link #PROBLEM} with the field and the message.
 */
public final class TorchScriptProbeProcess {

    static final String SEPARATOR = " ";
    static final String OK = "graft-probe-ok";
    static final String PROBLEM = "graft-probe-problem\t";

    private TorchScriptProbeProcess() {
    }

    public static void main(String[] args) throws IOException {
        ChildJvm.exitWithParent();
        // Read before the module is loaded, so the module never has a chance to see it.
        String nonce = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII)).readLine();
        System.in.close();
        if (nonce == null || nonce.isBlank()) {
            System.exit(2);
        }
        List<Integer> shape = Arrays.stream(args[1].split(",")).map(Integer::valueOf).toList();
        FieldError problem = TorchScriptProbe.check(Path.of(args[0]), shape, Integer.parseInt(args[2]));
        String verdict = problem == null ? OK
                : PROBLEM + problem.location() + "\t" + problem.message().replace('\n', ' ');
        // On a line of its own, whatever the module printed before it without a newline.
        System.out.print("\n" + nonce + SEPARATOR + verdict + "\n");
        System.out.flush();
        // DJL's native threads must not keep the process alive.
        System.exit(0);
    }
}
