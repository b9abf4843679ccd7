package dev.graft.dataset.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/** Identifies an image by content, refuses image bombs from the header alone, then fully decodes. */
final class ImageProbe {

    record Result(String format, int width, int height, String problem) {

        static Result problem(String problem) {
            return new Result(null, 0, 0, problem);
        }

        boolean ok() {
            return problem == null;
        }
    }

    private ImageProbe() {
    }

    static Result probe(InputStream content, long maxPixels) throws IOException {
        // A memory cache rather than ImageIO's default temp-file cache: no disk writes, no global state.
        try (ImageInputStream iis = new MemoryCacheImageInputStream(content)) {
            ImageReader reader = pngOrJpegReader(iis);
            if (reader == null) {
                return Result.problem("not a PNG or JPEG image");
            }
            String format = reader.getFormatName().toLowerCase(Locale.ROOT).equals("png") ? "png" : "jpeg";
            try {
                reader.setInput(iis, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                long pixels = (long) width * height;
                if (pixels > maxPixels) {
                    return Result.problem("image is " + width + "x" + height + " (" + pixels
                            + " pixels), more than the limit of " + maxPixels + " pixels");
                }
                // The JPEG decoder reports truncated data as a warning and pads with grey; a
                // training set must not silently contain half-grey images, so warnings fail too.
                StringBuilder warning = new StringBuilder();
                reader.addIIOReadWarningListener(warningsInto(warning));
                reader.read(0);
                if (!warning.isEmpty()) {
                    return Result.problem("cannot decode image: " + warning);
                }
                return new Result(format, width, height, null);
            } catch (IOException | RuntimeException e) {
                // Malformed images make ImageIO throw unchecked exceptions as well as IIOException.
                return Result.problem("cannot decode image: " + describe(e));
            } finally {
                reader.dispose();
            }
        }
    }

    private static ImageReader pngOrJpegReader(ImageInputStream iis) {
        // getImageReaders checks the magic bytes of the content, so "cat.png" holding text is caught.
        Iterator<ImageReader> readers = ImageIO.getImageReaders(iis);
        while (readers.hasNext()) {
            ImageReader candidate = readers.next();
            try {
                String name = candidate.getFormatName().toLowerCase(Locale.ROOT);
                if (name.equals("png") || name.equals("jpeg") || name.equals("jpg")) {
                    return candidate;
                }
            } catch (IOException e) {
                // fall through to the next reader
            }
            candidate.dispose();
        }
        return null;
    }

    private static IIOReadWarningListener warningsInto(StringBuilder sink) {
        return (source, message) -> {
            if (sink.isEmpty()) {
                sink.append(message);
            }
        };
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null) {
            message = (message == null ? "" : message + ": ") + cause.getMessage();
        }
        return message == null ? e.getClass().getSimpleName() : message;
    }
}
