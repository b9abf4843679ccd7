package dev.graft.basemodel;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.graft.storage.ArtifactStore;
import dev.graft.storage.StagedArtifact;
import dev.graft.training.ModelArtifact;
import dev.graft.training.ModelDescriptor;
import dev.graft.web.ApiProblem;
import dev.graft.web.FieldError;

/**
 * Imports a Graft model artifact (the zip {@code GET /v1/models/{id}/artifact} downloads) as a
 * base: a model trained on another Graft installation becomes a starting point here. The zip is
 * read defensively (a few files, flat or under the one folder the download puts them in, bounded
 * sizes), its descriptor is checked (a plain weights
 * file name inside the archive, an architecture within {@link ArchitectureBounds}), and the model
 * must rebuild and load from it before anything is kept. Problems say what is wrong in Graft's
 * words: library exception text would echo host paths and Java types.
 */
final class GraftArtifactImport {

    private static final Logger log = LoggerFactory.getLogger(GraftArtifactImport.class);
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final int MAX_ENTRIES = 16;
    // Far above the largest network ArchitectureBounds lets through (its weights are 120 MB).
    private static final long MAX_BYTES = 512L * 1024 * 1024;

    private GraftArtifactImport() {
    }

    /**
     * Checks a staged upload and copies its files under {@code <attempt>/graft}; the caller records
     * the row (and removes the attempt's files if anything fails).
     */
    static ImportedBase check(StagedArtifact staged, String id, String tenantId, String name, String declaredModality,
            String attempt, ArtifactStore store) throws IOException {
        Path work = Files.createTempDirectory("graft-import-");
        try {
            if (staged.size() == 0) {
                throw problem("file", "the file is empty; expected a ZIP archive of a Graft model");
            }
            unzip(staged.path(), work);
            refuseTorchScript(work);
            ModelDescriptor descriptor = load(work);
            String modality = descriptor.modality().name().toLowerCase(Locale.ROOT);
            if (declaredModality != null && !declaredModality.equals(modality)) {
                throw problem("descriptor.modality", "the artifact is a " + modality + " model, not " + declaredModality);
            }
            String key = ImportedBase.graftDirectoryKey(attempt);
            Path target = store.directory(key);
            try (Stream<Path> files = Files.list(work)) {
                for (Path file : files.toList()) {
                    Files.copy(file, target.resolve(file.getFileName().toString()));
                }
            }
            List<Integer> shape = descriptor.architecture().inputShape();
            int channels = descriptor.modality() == Modality.IMAGE ? shape.get(0) : 0;
            return new ImportedBase(id, tenantId, name == null ? id : name, ImportedBase.GRAFT, modality, shape, new float[channels],
                    ImportDescriptors.ones(channels), "embeddings", descriptor.architecture().embeddingSize(),
                    key, staged.size(), staged.sha256(), Instant.now());
        }
        finally {
            try (Stream<Path> files = Files.walk(work)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Rebuilds the model from its descriptor, which is checked first; the descriptor it loaded. */
    private static ModelDescriptor load(Path work) {
        try {
            ModelArtifact.readDescriptor(work);
        }
        catch (RuntimeException e) {
            throw problem(ModelArtifact.DESCRIPTOR_FILE, "is not a Graft model descriptor (JSON in the artifact format)");
        }
        try (ModelArtifact loaded = ModelArtifact.load(work)) {
            return loaded.descriptor();
        }
        catch (ModelArtifact.InvalidArtifactException e) {
            throw problem(ModelArtifact.DESCRIPTOR_FILE, e.getMessage());
        }
        catch (RuntimeException e) {
            log.info("An imported Graft artifact does not load: {}", e.toString());
            throw problem("file", "not a Graft model artifact that loads: its weights do not fit the network its "
                    + ModelArtifact.DESCRIPTOR_FILE + " describes");
        }
    }

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
                return; // not readable: the load says why
            }
        }
        if (module) {
            throw problem("file", "the artifact has a TorchScript backbone, which is code: import the module itself "
                    + "(descriptor format torchscript), which Graft checks in a separate process");
        }
    }

    /**
     * Streams the entries out one by one: java.util.zip.ZipFile would first read the whole central
     * directory into memory, however large the archive says it is.
     */
    private static void unzip(Path zipPath, Path into) throws IOException {
        List<String> names = new ArrayList<>();
        long total = 0;
        String folder = null; // the one top folder of the entries, once the first entry has said
        int entries = 0;
        try (ZipInputStream zip = new ZipInputStream(new BufferedInputStream(Files.newInputStream(zipPath)))) {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                if (entries++ == MAX_ENTRIES) {
                    throw problem("file", "a Graft artifact holds a few files, this archive has more than " + MAX_ENTRIES);
                }
                // The download puts the files under one folder named after the model (so that
                // unzipping it does not scatter them), and an archive zipped by hand may be flat:
                // both are accepted, but nothing deeper, no "..", nothing that could leave the folder.
                String entryName = entry.getName();
                int slash = entryName.indexOf('/');
                String top = slash < 0 ? "" : entryName.substring(0, slash);
                String name = slash < 0 ? entryName : entryName.substring(slash + 1);
                boolean folderEntry = slash > 0 && name.isEmpty();
                if (folder == null) {
                    folder = top;
                }
                if (!top.equals(folder) || (slash >= 0 && !FILE_NAME.matcher(top).matches())
                        || (!folderEntry && (entry.isDirectory() || !FILE_NAME.matcher(name).matches() || names.contains(name)))) {
                    throw problem("file", "unexpected entry '" + clip(entryName) + "' in a Graft artifact: expected a few "
                            + "files, flat or under one top folder");
                }
                if (folderEntry) {
                    continue;
                }
                total += Files.copy(new BoundedInput(zip, MAX_BYTES - total), into.resolve(name));
                names.add(name);
            }
        }
        catch (java.util.zip.ZipException e) {
            throw problem("file", "not a ZIP archive, or a damaged one");
        }
        if (names.isEmpty()) {
            throw problem("file", "not a ZIP archive, or one without entries");
        }
        if (!names.contains(ModelArtifact.DESCRIPTOR_FILE)) {
            throw problem("file", "no " + ModelArtifact.DESCRIPTOR_FILE + " in the archive");
        }
    }

    private static String clip(String name) {
        return name.length() > 100 ? name.substring(0, 100) + "…" : name;
    }

    private static ApiProblem problem(String location, String message) {
        return ApiProblem.unprocessable(List.of(new FieldError(location, message)));
    }

    /** Stops a zip bomb: reading past the limit is an error, not a full disk. Does not close the zip. */
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

        @Override
        public void close() {
            // The entry ends, not the archive.
        }
    }
}
