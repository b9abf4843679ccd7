package dev.graft.image;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.spi.IIORegistry;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

import com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReaderSpi;

/**
 * The one way Graft reads photos, at upload, training and prediction alike: PNG or JPEG by
 * content, JPEG through TwelveMonkeys' reader (CMYK, YCCK and broken ICC profiles that the JDK's
 * reader rejects), truncated data refused rather than padded with grey, EXIF orientation applied,
 * and downscales done in halving steps so that a 12-megapixel photo does not alias into noise.
 */
public final class Photos {

    static {
        // ImageIO caches streams in temp files by default: every decode at predict time wrote one.
        ImageIO.setUseCache(false);
        // Registered by hand: ImageIO finds service-loaded plugins through the context class loader
        // of whichever thread touches it first, which in a Spring Boot fat jar need not see
        // BOOT-INF/lib. The SPI orders itself before the JDK's JPEG reader on registration.
        IIORegistry.getDefaultInstance().registerServiceProvider(new JPEGImageReaderSpi());
    }

    private static final Pattern DAMAGE = Pattern.compile("(?i)premature end|corrupt|truncat|extraneous bytes");

    private Photos() {
    }

    /** Sets ImageIO up (no temp-file cache, the JPEG plugin); called at startup, harmless twice. */
    public static void configure() {
        // The static initialiser does the work; this names the moment it runs.
    }

    /** A PNG or JPEG reader for the stream's content (magic bytes, not a file name), or null. */
    public static ImageReader pngOrJpegReader(ImageInputStream in) {
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
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

    /** The format ImageIO recognises in the stream ("gif", "bmp"), lower case, or null for none. */
    public static String recognisedFormat(ImageInputStream in) throws IOException {
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        return readers.hasNext() ? readers.next().getFormatName().toLowerCase(Locale.ROOT) : null;
    }

    /** "png" or "jpeg". */
    public static String format(ImageReader reader) throws IOException {
        return reader.getFormatName().toLowerCase(Locale.ROOT).equals("png") ? "png" : "jpeg";
    }

    /**
     * Decodes image 0 of a reader already given its input, failing on a warning that the data is
     * cut off or corrupt: libjpeg reports those only as warnings ("Premature end of JPEG file",
     * "Corrupt JPEG data: ...") and pads the rest with grey. Other warnings, such as TwelveMonkeys'
     * note that a CMYK file has no ICC profile, leave a usable image and do not fail it.
     */
    public static BufferedImage readStrictly(ImageReader reader) throws IOException {
        StringBuilder damage = new StringBuilder();
        reader.addIIOReadWarningListener((source, message) -> {
            if (damage.isEmpty() && message != null && DAMAGE.matcher(message).find()) {
                damage.append(message);
            }
        });
        BufferedImage image = reader.read(0);
        if (!damage.isEmpty()) {
            throw new IIOException(damage.toString());
        }
        return image;
    }

    /**
     * A PNG or JPEG file as an upright image (of any colour model; {@link #resize} makes it RGB).
     * Callers check the pixel count from the header first; this decodes. Throws {@link IOException}
     * with a message fit for a client when the bytes are not an image, are cut off or are corrupt.
     */
    public static BufferedImage decode(byte[] bytes) throws IOException {
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            ImageReader reader = pngOrJpegReader(in);
            if (reader == null) {
                throw new IIOException("not a PNG or JPEG image");
            }
            try {
                reader.setInput(in, true, true);
                BufferedImage image = readStrictly(reader);
                int orientation = ExifOrientation.of(bytes);
                // Most photos need no turn: keep the decoded raster rather than copy 12 megapixels.
                return orientation == ExifOrientation.NORMAL ? image : ExifOrientation.apply(toRgb(image), orientation);
            } catch (RuntimeException e) {
                // Malformed images make ImageIO throw unchecked exceptions as well as IIOException.
                throw new IIOException(describe(e), e);
            } finally {
                reader.dispose();
            }
        }
    }

    /**
     * The image at exactly {@code width × height} in RGB. Each halving of a side averages 2×2
     * neighbours (bilinear at exact halves), so large downscales keep every source pixel's weight,
     * where one bilinear step would sample 4 of them per output pixel and drop the rest.
     */
    public static BufferedImage resize(BufferedImage image, int width, int height) {
        BufferedImage current = image;
        int w = image.getWidth();
        int h = image.getHeight();
        while (w >= 2 * width || h >= 2 * height) {
            w = w >= 2 * width ? (w + 1) / 2 : w;
            h = h >= 2 * height ? (h + 1) / 2 : h;
            current = draw(current, w, h);
        }
        return w == width && h == height && current.getType() == BufferedImage.TYPE_INT_RGB
                ? current : draw(current, width, height);
    }

    static BufferedImage toRgb(BufferedImage image) {
        return image.getType() == BufferedImage.TYPE_INT_RGB ? image : draw(image, image.getWidth(), image.getHeight());
    }

    private static BufferedImage draw(BufferedImage image, int width, int height) {
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(image, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    /** ImageIO's message and its cause's, without class names. */
    public static String describe(Throwable e) {
        String message = e.getMessage();
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null && !cause.getMessage().equals(message)) {
            message = (message == null ? "" : message + ": ") + cause.getMessage();
        }
        return message == null ? e.getClass().getSimpleName() : message;
    }
}
