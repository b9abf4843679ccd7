package dev.graft.inference;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import tools.jackson.databind.JsonNode;

import dev.graft.basemodel.Modality;
import dev.graft.training.Input;
import dev.graft.training.ModelDescriptor;
import dev.graft.web.FieldError;

/**
 * Turns request instances into model inputs, checking each against the model before anything is
 * queued: a tabular row has the model's feature count of finite numbers, a text is not blank, an
 * image is a PNG or JPEG within the pixel cap that decodes. Every bad instance is reported.
 */
final class InstanceDecoder {

    private final ModelDescriptor model;
    private final long maxPixels;
    private final List<FieldError> errors = new ArrayList<>();

    InstanceDecoder(ModelDescriptor model, long maxPixels) {
        this.model = model;
        this.maxPixels = maxPixels;
    }

    List<FieldError> errors() {
        return errors;
    }

    /** The inputs, or null for an instance that was bad (its error is recorded). */
    Input json(int index, JsonNode instance) {
        String at = "/instances/" + index;
        return switch (model.modality()) {
            case TABULAR -> tabular(at, instance);
            case TEXT -> {
                if (!instance.isString()) {
                    yield fail(at, "must be a string (this is a text model)");
                }
                yield instance.asString().isBlank() ? fail(at, "is empty; a text model needs some text")
                        : new Input.Text(instance.asString());
            }
            case IMAGE -> {
                JsonNode b64 = instance.isObject() ? instance.get("b64") : null;
                if (b64 == null || !b64.isString() || instance.size() != 1) {
                    yield fail(at, "must be {\"b64\": \"<base64 PNG or JPEG>\"} (this is an image model)");
                }
                byte[] bytes;
                try {
                    bytes = Base64.getMimeDecoder().decode(b64.asString());
                }
                catch (IllegalArgumentException e) {
                    yield fail(at + "/b64", "is not valid base64: " + e.getMessage());
                }
                yield image(at + "/b64", bytes);
            }
        };
    }

    /** An uploaded image file. */
    Input image(String at, byte[] bytes) {
        if (model.modality() != Modality.IMAGE) {
            return fail(at, "is a file, but this is a " + model.modality().name().toLowerCase() + " model; send JSON instances");
        }
        if (bytes.length == 0) {
            return fail(at, "is empty");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return fail(at, "is not a PNG or JPEG image");
            }
            ImageReader reader = readers.next();
            try {
                String format = reader.getFormatName().toLowerCase();
                if (!format.equals("png") && !format.equals("jpeg")) {
                    return fail(at, "is a " + format + " image; only PNG and JPEG are accepted");
                }
                reader.setInput(in, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                // Checked from the header, before decoding: a small file may claim a huge canvas.
                if (pixels > maxPixels) {
                    return fail(at, "has " + pixels + " pixels; at most " + maxPixels + " are accepted");
                }
                BufferedImage image = reader.read(0);
                return new Input.Image(image);
            }
            finally {
                reader.dispose();
            }
        }
        catch (IOException | RuntimeException e) {
            return fail(at, "cannot be decoded as an image: " + e.getMessage());
        }
    }

    private Input tabular(String at, JsonNode instance) {
        int features = model.preprocessing().tabular().mean().length;
        if (!instance.isArray()) {
            return fail(at, "must be an array of " + features + " numbers (this is a tabular model)");
        }
        if (instance.size() != features) {
            return fail(at, "has " + instance.size() + " features; the model takes " + features);
        }
        float[] row = new float[features];
        for (int i = 0; i < features; i++) {
            JsonNode value = instance.get(i);
            // Number.floatValue() turns what a float cannot hold into infinity; Jackson 3's
            // JsonNode.floatValue() throws instead, which would be a 500.
            float feature = value.isNumber() ? value.numberValue().floatValue() : Float.NaN;
            if (!Float.isFinite(feature)) {
                return fail(at + "/" + i, "must be a finite number");
            }
            row[i] = feature;
        }
        return new Input.Tabular(row);
    }

    private Input fail(String location, String message) {
        errors.add(new FieldError(location, message));
        return null;
    }
}
