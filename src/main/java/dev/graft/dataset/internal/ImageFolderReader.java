package dev.graft.dataset.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * Reads a ZIP in the Keras/torchvision ImageFolder layout: each top-level folder is a class label
 * holding PNG or JPEG images, at any depth below it.
 */
public final class ImageFolderReader implements DatasetReader {

    @Override
    public DatasetFormat format() {
        return DatasetFormat.IMAGE_FOLDER;
    }

    @Override
    public ScannedDataset scan(Path file, ReadOptions options, DatasetErrors errors) throws IOException {
        if (Files.size(file) == 0) {
            errors.add("file", "the file is empty; expected a ZIP archive");
            return empty();
        }
        // Opening builds an object per central-directory record: size the directory up first.
        if (!CentralDirectory.check(file, options.limits().archive(), errors)) {
            return empty();
        }
        ZipFile zip;
        try {
            zip = ZipFile.builder().setPath(file).get();
        } catch (IOException e) {
            errors.add("file", "not a readable ZIP archive");
            return empty();
        }
        try (zip) {
            List<ZipArchiveEntry> entries = Collections.list(zip.getEntries());
            if (!checkBeforeReading(entries, options.limits().archive(), errors)) {
                return empty();
            }
            return readImages(zip, entries, options.limits(), errors);
        }
    }

    /** Every safety check that needs no inflation, over all entries, so hostile archives fail fast. */
    private static boolean checkBeforeReading(List<ZipArchiveEntry> entries, DatasetLimits.Archive limits,
                                              DatasetErrors errors) {
        long declaredTotal = 0;
        for (ZipArchiveEntry entry : entries) {
            String name = nameAsStored(entry);
            Optional<String> unsafe = ZipEntryNames.unsafeReason(name);
            if (unsafe.isPresent()) {
                errors.add(name, unsafe.get());
                return false;
            }
            long size = entry.getSize();
            long compressed = entry.getCompressedSize();
            if (size > 0) {
                declaredTotal += size;
            }
            if (declaredTotal > limits.maxUncompressedBytes()) {
                errors.add("file", "archive inflates to more than " + limits.maxUncompressedBytes() + " bytes");
                return false;
            }
            if (size > limits.ratioCheckThresholdBytes() && compressed > 0
                    && (double) size / compressed > limits.maxInflateRatio()) {
                errors.add(entry.getName(), String.format(
                        "entry inflates more than %.0f times its compressed size (zip bomb)",
                        limits.maxInflateRatio()));
                return false;
            }
        }
        return true;
    }

    // commons-compress turns '\' into '/' for archives made on Windows, which would hide a
    // backslash name from the check and report a path the user never wrote.
    private static String nameAsStored(ZipArchiveEntry entry) {
        byte[] raw = entry.getRawName();
        if (raw != null) {
            String stored = new String(raw, StandardCharsets.UTF_8);
            if (stored.indexOf('\\') >= 0) {
                return stored;
            }
        }
        return entry.getName();
    }

    private static ScannedDataset readImages(ZipFile zip, List<ZipArchiveEntry> entries, DatasetLimits limits,
                                             DatasetErrors errors) throws IOException {
        List<ZipArchiveEntry> sorted = new ArrayList<>(entries);
        // Sorted by path so examples, errors and hence splits do not depend on how the ZIP was made.
        sorted.sort((a, b) -> a.getName().compareTo(b.getName()));
        InflationGuard guard = new InflationGuard(limits.archive());
        LabelSet labels = new LabelSet(limits.labels());
        ImageStats stats = new ImageStats();
        List<Example> examples = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (ZipArchiveEntry entry : sorted) {
            String name = entry.getName();
            if (entry.isDirectory() || entry.isUnixSymlink() || ZipEntryNames.isJunk(name)) {
                continue;
            }
            if (!seen.add(name)) {
                errors.add(name, "duplicate entry in the archive");
                continue;
            }
            int slash = name.indexOf('/');
            if (slash < 0) {
                errors.add(name, "file is at the top level; put each image in a folder named after its class");
                continue;
            }
            String label = labels.accept(name.substring(0, slash), name, errors);
            if (labels.full()) {
                return empty();
            }
            if (label == null) {
                continue;
            }
            if (!zip.canReadEntryData(entry)) {
                errors.add(name, "entry uses an unsupported compression method or encryption");
                continue;
            }
            ImageProbe.Result result;
            try (InputStream in = guard.guard(zip.getInputStream(entry), entry.getCompressedSize())) {
                result = ImageProbe.probe(in, limits.maxImagePixels());
                // Inflate what the decoder left unread, so the limits see every byte the entry holds.
                in.transferTo(OutputStream.nullOutputStream());
            } catch (IOException e) {
                if (guard.violation() == null) {
                    errors.add(name, "cannot read entry: its data is corrupt or cut off");
                    continue;
                }
                result = null;
            }
            if (guard.violation() != null) {
                errors.add(guard.violation().wholeArchive() ? "file" : name, guard.violation().message());
                return empty();
            }
            if (!result.ok()) {
                errors.add(name, result.problem());
                continue;
            }
            stats.add(result);
            examples.add(new Example(label, name));
        }
        if (examples.isEmpty() && errors.isEmpty()) {
            errors.add("file", "the archive contains no images");
        }
        return new ScannedDataset(examples, stats.details());
    }

    private static ScannedDataset empty() {
        return new ScannedDataset(List.of(), Map.of());
    }

    private static final class ImageStats {
        private int minWidth = Integer.MAX_VALUE;
        private int maxWidth;
        private int minHeight = Integer.MAX_VALUE;
        private int maxHeight;
        private final Map<String, Integer> formats = new LinkedHashMap<>();

        ImageStats() {
            formats.put("png", 0);
            formats.put("jpeg", 0);
        }

        void add(ImageProbe.Result image) {
            minWidth = Math.min(minWidth, image.width());
            maxWidth = Math.max(maxWidth, image.width());
            minHeight = Math.min(minHeight, image.height());
            maxHeight = Math.max(maxHeight, image.height());
            formats.merge(image.format(), 1, Integer::sum);
        }

        Map<String, Object> details() {
            if (maxWidth == 0) {
                return Map.of();
            }
            Map<String, Object> image = new LinkedHashMap<>();
            image.put("min_width", minWidth);
            image.put("max_width", maxWidth);
            image.put("min_height", minHeight);
            image.put("max_height", maxHeight);
            image.put("formats", formats);
            return Map.of("image", image);
        }
    }
}
