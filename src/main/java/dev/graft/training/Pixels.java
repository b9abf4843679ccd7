package dev.graft.training;

import dev.graft.image.Photos;
import java.awt.image.BufferedImage;
import java.io.IOException;

/** Decodes (upright, see {@link Photos}), resizes and converts images to channel-first floats in [0,1]. */
final class Pixels {

    private Pixels() {
    }

    static float[] toChw(Input input, int channels, int height, int width) {
        BufferedImage image;
        if (input instanceof Input.Image i) {
            image = i.image();
        } else if (input instanceof Input.EncodedImage e) {
            image = decode(e.bytes());
        } else if (input instanceof Input.StoredImage s) {
            image = decode(s.bytes().get());
        } else {
            throw new IllegalArgumentException("Expected an image, got "
                    + input.getClass().getSimpleName());
        }
        BufferedImage rgb = Photos.resize(image, width, height);
        float[] out = new float[channels * height * width];
        int plane = height * width;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int p = rgb.getRGB(x, y);
                float r = ((p >> 16) & 0xff) / 255f;
                float g = ((p >> 8) & 0xff) / 255f;
                float b = (p & 0xff) / 255f;
                int at = y * width + x;
                if (channels == 1) {
                    // ITU-R BT.601 luma, the weights most grayscale conversions use.
                    out[at] = 0.299f * r + 0.587f * g + 0.114f * b;
                } else {
                    out[at] = r;
                    out[plane + at] = g;
                    out[2 * plane + at] = b;
                }
            }
        }
        return out;
    }

    private static BufferedImage decode(byte[] bytes) {
        try {
            return Photos.decode(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot decode image: " + e.getMessage(), e);
        }
    }
}
