package dev.graft.dataset.internal;

import java.io.IOException;
import java.io.InputStream;
import dev.graft.image.Photos;
import javax.imageio.ImageReader;
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
            ImageReader reader = Photos.pngOrJpegReader(iis);
            if (reader == null) {
                return Result.problem("not a PNG or JPEG image");
            }
            try {
                String format = Photos.format(reader);
                reader.setInput(iis, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                long pixels = (long) width * height;
                if (pixels > maxPixels) {
                    return Result.problem("image is " + width + "x" + height + " (" + pixels
                            + " pixels), more than the limit of " + maxPixels + " pixels");
                }
                // A training set must not silently contain half-grey images: truncated JPEGs fail.
                Photos.readStrictly(reader);
                return new Result(format, width, height, null);
            } catch (IOException | RuntimeException e) {
                // Malformed images make ImageIO throw unchecked exceptions as well as IIOException.
                return Result.problem("cannot decode image: " + describe(e));
            } finally {
                reader.dispose();
            }
        }
    }

    private static String describe(Throwable e) {
        return Photos.describe(e);
    }
}
