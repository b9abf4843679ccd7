package dev.graft.image;

import java.awt.image.BufferedImage;

/**
 * The EXIF orientation of a JPEG (TIFF tag 0x0112 in IFD0 of the APP1 "Exif" segment) and how to
 * apply it. Cameras store the sensor's pixels as they came and record the turn in this tag, so a
 * phone photo taken upright decodes lying on its side unless the tag is honoured.
 */
final class ExifOrientation {

    static final int NORMAL = 1;
    private static final int TAG_ORIENTATION = 0x0112;
    private static final int TYPE_SHORT = 3;

    private ExifOrientation() {
    }

    /** The orientation 1–8 the JPEG declares; 1 when it is not a JPEG, has no tag, or the tag is malformed. */
    static int of(byte[] jpeg) {
        if (jpeg.length < 4 || (jpeg[0] & 0xff) != 0xff || (jpeg[1] & 0xff) != 0xd8) {
            return NORMAL;
        }
        int at = 2;
        // Walk the marker segments before the scan; the Exif APP1 segment comes first in practice.
        while (at + 4 <= jpeg.length && (jpeg[at] & 0xff) == 0xff) {
            int marker = jpeg[at + 1] & 0xff;
            if (marker == 0xda || marker == 0xd9) {
                return NORMAL; // start of scan or end of image: no more metadata segments
            }
            int length = u16(jpeg, at + 2, false);
            if (length < 2 || at + 2 + length > jpeg.length) {
                return NORMAL;
            }
            if (marker == 0xe1 && length >= 8 && startsWithExif(jpeg, at + 4)) {
                return fromTiff(jpeg, at + 10, at + 2 + length);
            }
            at += 2 + length;
        }
        return NORMAL;
    }

    private static boolean startsWithExif(byte[] b, int at) {
        return b[at] == 'E' && b[at + 1] == 'x' && b[at + 2] == 'i' && b[at + 3] == 'f' && b[at + 4] == 0 && b[at + 5] == 0;
    }

    /** Reads the tag from the TIFF structure in {@code [start, end)}; every offset is bounds-checked. */
    private static int fromTiff(byte[] b, int start, int end) {
        if (start + 8 > end) {
            return NORMAL;
        }
        boolean little;
        if (b[start] == 'I' && b[start + 1] == 'I') {
            little = true;
        } else if (b[start] == 'M' && b[start + 1] == 'M') {
            little = false;
        } else {
            return NORMAL;
        }
        long ifd = u32(b, start + 4, little);
        if (ifd < 8 || start + ifd + 2 > end) {
            return NORMAL;
        }
        int entries = u16(b, start + (int) ifd, little);
        for (int i = 0; i < entries; i++) {
            int entry = start + (int) ifd + 2 + 12 * i;
            if (entry + 12 > end) {
                return NORMAL;
            }
            if (u16(b, entry, little) == TAG_ORIENTATION) {
                int value = u16(b, entry + 8, little);
                return u16(b, entry + 2, little) == TYPE_SHORT && value >= 1 && value <= 8 ? value : NORMAL;
            }
        }
        return NORMAL;
    }

    private static int u16(byte[] b, int at, boolean little) {
        int hi = b[at] & 0xff;
        int lo = b[at + 1] & 0xff;
        return little ? (lo << 8) | hi : (hi << 8) | lo;
    }

    private static long u32(byte[] b, int at, boolean little) {
        long first = u16(b, at, little);
        long second = u16(b, at + 2, little);
        return little ? (second << 16) | first : (first << 16) | second;
    }

    /** The RGB image turned and mirrored as the tag says, so it shows as the photographer saw it. */
    static BufferedImage apply(BufferedImage rgb, int orientation) {
        if (orientation <= NORMAL || orientation > 8) {
            return rgb;
        }
        int w = rgb.getWidth();
        int h = rgb.getHeight();
        boolean swaps = orientation >= 5; // 5–8 turn by a quarter, so width and height trade places
        int outW = swaps ? h : w;
        int outH = swaps ? w : h;
        int[] src = rgb.getRGB(0, 0, w, h, null, 0, w);
        int[] dst = new int[src.length];
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> { sx = w - 1 - x; sy = y; }          // mirrored left-right
                    case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }  // upside down
                    case 4 -> { sx = x; sy = h - 1 - y; }          // mirrored top-bottom
                    case 5 -> { sx = y; sy = x; }                  // transposed
                    case 6 -> { sx = y; sy = h - 1 - x; }          // turn 90° clockwise to view
                    case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }  // transversed
                    default -> { sx = w - 1 - y; sy = x; }         // 8: turn 90° anticlockwise to view
                }
                dst[y * outW + x] = src[sy * w + sx];
            }
        }
        BufferedImage out = new BufferedImage(outW, outH, BufferedImage.TYPE_INT_RGB);
        out.setRGB(0, 0, outW, outH, dst, 0, outW);
        return out;
    }
}
