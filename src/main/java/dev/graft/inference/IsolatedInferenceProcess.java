package dev.graft.inference;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;

import dev.graft.training.ChildJvm;
import dev.graft.training.Engines;
import dev.graft.training.ModelArtifact;

/**
 * The main class of an isolated model process ({@link ModelProcess}): loads one model whose
 * artifact holds TorchScript and answers the API's batches over the Unix domain socket it is
 * given, until the API closes it. Arguments: the socket, the artifact directory and PyTorch's
 * thread count. It is started with a scrubbed environment and learns nothing else.
 */
public final class IsolatedInferenceProcess {

    /** Requests come from the API, which bounds them; this only stops a corrupt length. */
    private static final int MAX_REQUEST = 1 << 30;

    private IsolatedInferenceProcess() {
    }

    public static void main(String[] args) throws IOException {
        ChildJvm.exitWithParent();
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(Path.of(args[0])));
            ModelArtifact artifact;
            try {
                Engines.ensureStarted(Integer.parseInt(args[2]));
                artifact = ModelArtifact.load(Path.of(args[1]));
            }
            catch (RuntimeException | Error e) {
                ModelChannel.write(channel, ModelChannel.failure("The model did not load: " + firstLine(e)));
                Runtime.getRuntime().halt(2);
                return;
            }
            int labels = artifact.labels().size();
            ModelChannel.write(channel, ModelChannel.answer(List.of(), labels));
            for (ByteBuffer request; (request = ModelChannel.read(channel, MAX_REQUEST)) != null;) {
                ByteBuffer answer;
                try {
                    answer = ModelChannel.answer(artifact.forward(ModelChannel.batch(request)), labels);
                }
                catch (RuntimeException e) {
                    answer = ModelChannel.failure(firstLine(e));
                }
                ModelChannel.write(channel, answer);
            }
        }
        // DJL's native threads must not keep the process alive.
        Runtime.getRuntime().halt(0);
    }

    private static String firstLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.lines().findFirst().orElse(message);
    }
}
