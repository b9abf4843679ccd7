package dev.graft.training;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import dev.graft.basemodel.ArchitectureBounds;
import dev.graft.basemodel.ArchitectureSpec;
import dev.graft.basemodel.TorchScriptModule;

/**
 * What an artifact's descriptor may ask for, checked before anything is built or read from it.
 * A descriptor is data: Graft writes its own, but an imported artifact's was written by whoever
 * uploaded it, so {@code weightsFile} could name {@code /etc/passwd} and {@code architecture} a
 * billion parameters.
 */
final class ArtifactChecks {

    // A plain file name: no separator, so nothing outside the artifact's directory can be named.
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    // DJL's parameter format adds a header and a name and shape per array to the raw floats.
    private static final long FORMAT_OVERHEAD = 1 << 20;

    private ArtifactChecks() {
    }

    /** Bounds the architecture (a TorchScript-based one is the module's, checked at its import). */
    static void checkArchitecture(ModelDescriptor descriptor) {
        check(descriptor, descriptor.labels() == null ? 0 : descriptor.labels().size());
    }

    /**
     * Bounds a base to fine-tune from. A base converted from another framework (the COCO backbone)
     * has no labels: its weights are the backbone's alone, bounded here as under a two-class head.
     */
    static void checkBase(ModelDescriptor descriptor) {
        int classes = descriptor.labels() == null ? 0 : descriptor.labels().size();
        check(descriptor, classes == 0 ? 2 : classes);
    }

    private static void check(ModelDescriptor descriptor, int classes) {
        ArchitectureSpec spec = descriptor.architecture();
        if (spec != null && TorchScriptModule.ARCHITECTURE_ID.equals(spec.id())) {
            return;
        }
        List<String> problems = ArchitectureBounds.problems(spec, classes);
        if (!problems.isEmpty()) {
            throw new ModelArtifact.InvalidArtifactException(String.join("; ", problems));
        }
    }

    /**
     * The weights file the descriptor names: a plain file name of a regular file in
     * {@code directory} (not a link), no larger than the network's parameters need.
     */
    static Path weights(Path directory, ModelDescriptor descriptor) {
        String name = descriptor.weightsFile();
        if (name == null || !FILE_NAME.matcher(name).matches() || name.contains("..")) {
            throw new ModelArtifact.InvalidArtifactException("weightsFile must be the plain name of a file in the artifact "
                    + "(such as " + ModelArtifact.WEIGHTS_FILE + "), not " + quoted(name));
        }
        Path dir = directory.toAbsolutePath().normalize();
        Path file = dir.resolve(name).normalize();
        if (!file.getParent().equals(dir) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new ModelArtifact.InvalidArtifactException("weightsFile names " + quoted(name)
                    + ", which is not a file in the artifact");
        }
        ArchitectureSpec spec = descriptor.architecture();
        if (!TorchScriptModule.ARCHITECTURE_ID.equals(spec.id())) {
            long max = 4 * ArchitectureBounds.parameters(spec, descriptor.labels().size()) + FORMAT_OVERHEAD;
            long size = size(file);
            if (size > max) {
                throw new ModelArtifact.InvalidArtifactException(quoted(name) + " holds " + size + " bytes; the network "
                        + "the descriptor describes needs at most " + max);
            }
        }
        return file;
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String quoted(String value) {
        if (value == null) {
            return "null";
        }
        return "'" + (value.length() > 100 ? value.substring(0, 100) + "…" : value) + "'";
    }
}
