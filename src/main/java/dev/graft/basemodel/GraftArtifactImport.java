package dev.graft.basemodel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

import dev.graft.storage.ArtifactStore;
import dev.graft.storage.StagedArtifact;
import dev.graft.training.ModelArtifact;
import dev.graft.training.ModelDescriptor;
import dev.graft.web.ApiProblem;
import dev.graft.web.FieldError;

/**
 * Imports a Graft model artifact (the zip {@code GET /v1/models/{id}/artifact} downloads) as a
 * base: a model trained on another Graft installation becomes a starting point here. The zip is
 * read defensively (a few flat files, bounded sizes), and the model must rebuild and load from
 * its own descriptor before anything is kept.
 */
final class GraftArtifactImport {

    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final int MAX_ENTRIES = 16;
    private static final long MAX_BYTES = 2L * 1024 * 1024 * 1024;

    private GraftArtifactImport() {
    }

    /**
     * Checks a staged upload and copies its files under {@code imports/<id>/graft}; the caller
     * records the row (and removes the files if that fails).
     */
    /**
     * Loading an artifact with a TorchScript backbone would run uploaded code in the API process;
     * such a module is imported as itself (format {@code torchscript}), probed in a separate process.
     */
    private static void refuseTorchScript(Path work) {
        boolean module = Files.exists(work.resolve(TorchScriptModule.FILE_NAME));
        if (!module) {
            try {
                module = TorchScriptModule.ARCHITECTURE_ID.equals(ModelArtifact.readDescriptor(work).architecture().id());
            }
            catch (RuntimeException e) {
                return; // not readable: the load below says why
            }
        }
        if (module) {
            throw problem("file", "the artifact has a TorchScript backbone, which is code: import the module itself "
                    + "(descriptor format torchscript), which Graft checks in a separate process");
        }
    }

    static ImportedBase check(StagedArtifact staged, String id, String tenantId, String name, String declaredModality, ArtifactStore store)
            throws IOException {
        Path work = Files.createTempDirectory("graft-import-");
        try {
            unzip(staged.path(), work);
            refuseTorchScript(work);
            ModelDescriptor descriptor;
            try (ModelArtifact loaded = ModelArtifact.load(work)) {
                descriptor = loaded.descriptor();
            }
            catch (RuntimeException e) {
                // The first line only: Jackson goes on with the source location and a chain of Java types.
                String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
                throw problem("file", "not a Graft model artifact that loads: " + reason);
            }
            String modality = descriptor.modality().name().toLowerCase(java.util.Locale.ROOT);
            if (declaredModality != null && !declaredModality.equals(modality)) {
                throw problem("descriptor.modality", "the artifact is a " + modality + " model, not " + declaredModality);
            }
            Path target = store.directory(ImportedBase.graftDirectoryKey(id));
            try (Stream<Path> files = Files.list(work)) {
                for (Path file : files.toList()) {
                    Files.copy(file, target.resolve(file.getFileName().toString()));
                }
            }
            List<Integer> shape = descriptor.architecture().inputShape();
            int channels = descriptor.modality() == Modality.IMAGE ? shape.get(0) : 0;
            return new ImportedBase(id, tenantId, name == null ? id : name, ImportedBase.GRAFT, modality, shape, new float[channels],
                    TorchScriptImport.ones(channels), "embeddings", descriptor.architecture().embeddingSize(),
                    ImportedBase.graftDirectoryKey(id), staged.size(), staged.sha256(), Instant.now());
        }
        finally {
            try (Stream<Path> files = Files.walk(work)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static void unzip(Path zipPath, Path into) throws IOException {
        List<String> names = new ArrayList<>();
        long total = 0;
        try (ZipFile zip = new ZipFile(zipPath.toFile())) {
            if (zip.size() > MAX_ENTRIES) {
                throw problem("file", "a Graft artifact holds a few files, this archive has " + zip.size());
            }
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                // Flat names only: no directories, no "..", nothing that could leave the folder.
                if (entry.isDirectory() || !FILE_NAME.matcher(entry.getName()).matches()) {
                    throw problem("file", "unexpected entry '" + entry.getName() + "' in a Graft artifact");
                }
                try (InputStream in = zip.getInputStream(entry)) {
                    long copied = Files.copy(new BoundedInput(in, MAX_BYTES - total), into.resolve(entry.getName()));
                    total += copied;
                }
                names.add(entry.getName());
            }
        }
        catch (ZipException e) {
            throw problem("file", "not a ZIP archive: " + e.getMessage());
        }
        if (!names.contains(ModelArtifact.DESCRIPTOR_FILE)) {
            throw problem("file", "no " + ModelArtifact.DESCRIPTOR_FILE + " in the archive");
        }
    }

    private static ApiProblem problem(String location, String message) {
        return ApiProblem.unprocessable(List.of(new FieldError(location, message)));
    }

    /** Stops a zip bomb: reading past the limit is an error, not a full disk. */
    private static final class BoundedInput extends java.io.FilterInputStream {
        private long left;

        BoundedInput(InputStream in, long limit) {
            super(in);
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0 && --left < 0) {
                throw problem("file", "the archive inflates beyond " + MAX_BYTES + " bytes");
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0 && (left -= n) < 0) {
                throw problem("file", "the archive inflates beyond " + MAX_BYTES + " bytes");
            }
            return n;
        }
    }
}
