package dev.graft.basemodel;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import dev.graft.web.FieldError;

/**
 * The main class of the probe process ({@link IsolatedProbe}): arguments are the module file,
 * the input shape ({@code 3,32,32}) and the embedding size; the verdict is one line on stdout.
 */
public final class TorchScriptProbeProcess {

    static final String OK = "graft-probe-ok";
    static final String PROBLEM = "graft-probe-problem\t";

    private TorchScriptProbeProcess() {
    }

    public static void main(String[] args) {
        List<Integer> shape = Arrays.stream(args[1].split(",")).map(Integer::valueOf).toList();
        FieldError problem = TorchScriptProbe.check(Path.of(args[0]), shape, Integer.parseInt(args[2]));
        if (problem == null) {
            System.out.println(OK);
        }
        else {
            System.out.println(PROBLEM + problem.location() + "\t" + problem.message().replace('\n', ' '));
        }
        System.out.flush();
        // DJL's native threads must not keep the process alive.
        System.exit(0);
    }
}
