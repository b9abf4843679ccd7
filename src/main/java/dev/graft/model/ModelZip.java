package dev.graft.model;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Streams an artifact directory as a ZIP under one top folder: {@code graft-model.json} (the
 * architecture, labels and preprocessing that rebuild the network with DJL) and the weights in
 * DJL's parameter format. Nothing is staged, so a large model costs no extra disk or memory.
 */
final class ModelZip {

    private ModelZip() {
    }

    static void write(Path directory, String folder, OutputStream out) throws IOException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(directory)) {
            // Hidden names are a writer's temporary files, never part of a model.
            files = listing.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith("."))
                    .sorted().toList();
        }
        ZipOutputStream zip = new ZipOutputStream(out);
        for (Path file : files) {
            zip.putNextEntry(new ZipEntry(folder + "/" + file.getFileName()));
            Files.copy(file, zip);
            zip.closeEntry();
        }
        zip.finish();
    }
}
