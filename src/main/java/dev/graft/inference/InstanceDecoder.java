package dev.graft.inference;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

import tools.jackson.databind.JsonNode;

import dev.graft.basemodel.Modality;
import dev.graft.image.Photos;
import dev.graft.training.Input;
import dev.graft.training.ModelDescriptor;
import dev.graft.web.FieldError;

/**
 * Turns request instances into model inputs, checking each against the model before anything is
 * queued: a tabular row has the model's feature count of finite numbers, a text is not blank, an
 * image is a PNG or JPEG within the pixel caps that decodes whole, upright (see {@link Photos}).
 * Images are checked from their headers first, all of them, and decoded only when every header is
 * fine and their pixels together fit the request's budget: a request of many small files that each
 * claim a huge canvas decodes nothing. Every bad instance is reported.
 */
final class InstanceDecoder {

    private final ModelDescriptor model;
    private final long maxPixels;
    private final long maxRequestPixels;
    private final List<FieldError> errors = new ArrayList<>();
    private long declaredPixels;

    InstanceDecoder(ModelDescriptor model, long maxPixels, long maxRequestPixels) {
        this.model = model;
        this.maxPixels = maxPixels;
        this.maxRequestPixels = maxRequestPixels;
    }

    List<FieldError> errors() {
        return errors;
    }

    /** The inputs of a KServe {@code instances} array; null stands for an instance that was bad. */
    List<Input> json(JsonNode instances) {
        if (model.modality() != Modality.IMAGE) {
            List<Input> inputs = new ArrayList<>(instances.size());
            for (int i = 0; i < instances.size(); i++) {
                inputs.add(model.modality() == Modality.TABULAR ? tabular("/instances/" + i, instances.get(i))
                        : text("/instances/" + i, instances.get(i)));
            }
            return inputs;
        }
        List<String> locations = new ArrayList<>(instances.size());
        List<byte[]> images = new ArrayList<>(instances.size());
        for (int i = 0; i < instances.size(); i++) {
            JsonNode instance = instances.get(i);
            String at = "/instances/" + i;
            JsonNode b64 = instance.isObject() ? instance.get("b64") : null;
            locations.add(at + "/b64");
            if (b64 == null || !b64.isString() || instance.size() != 1) {
                images.add(null);
                fail(at, "must be {\"b64\": \"<base64 PNG or JPEG>\"} (this is an image model)");
                continue;
            }
            byte[] bytes;
            try {
                bytes = Base64.getMimeDecoder().decode(b64.asString());
            }
            catch (IllegalArgumentException e) {
                images.add(null);
                fail(at + "/b64", "is not valid base64");
                continue;
            }
            images.add(bytes);
            declaredPixels += header(at + "/b64", bytes);
        }
        return decodeAll(locations, images);
    }

    /** Uploaded image files, one instance each. */
    List<Input> files(List<byte[]> files) {
        if (model.modality() != Modality.IMAGE) {
            fail("/instances/0", "is a file, but this is a " + model.modality().name().toLowerCase(Locale.ROOT)
                    + " model; send JSON instances");
            return new ArrayList<>(Collections.nCopies(files.size(), null));
        }
        List<String> locations = new ArrayList<>(files.size());
        for (int i = 0; i < files.size(); i++) {
            locations.add("/instances/" + i);
            declaredPixels += header(locations.get(i), files.get(i));
        }
        return decodeAll(locations, files);
    }

    /**
     * Decodes the images whose headers were all read (null bytes: already reported), once the
     * pixels they declare together fit the request's budget.
     */
    private List<Input> decodeAll(List<String> locations, List<byte[]> images) {
        if (declaredPixels > maxRequestPixels) {
            fail("/instances", "the images have " + declaredPixels + " pixels together; at most " + maxRequestPixels
                    + " are decoded per request (graft.inference.max-request-pixels)");
        }
        List<Input> inputs = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            // A request that fails anyway is not worth decoding.
            inputs.add(errors.isEmpty() ? decode(locations.get(i), images.get(i)) : null);
        }
        return inputs;
    }

    /** The pixels the image's header declares, or 0 after recording why it is refused. */
    private long header(String at, byte[] bytes) {
        if (bytes.length == 0) {
            fail(at, "is empty");
            return 0;
        }
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            ImageReader reader = Photos.pngOrJpegReader(in);
            if (reader == null) {
                String format = Photos.recognisedFormat(in);
                fail(at, format == null ? "is not a PNG or JPEG image"
                        : "is a " + format + " image; only PNG and JPEG are accepted");
                return 0;
            }
            try {
                reader.setInput(in, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                // Checked from the header, before decoding: a small file may claim a huge canvas.
                if (pixels > maxPixels) {
                    fail(at, "has " + pixels + " pixels; at most " + maxPixels + " are accepted");
                    return 0;
                }
                return pixels;
            }
            finally {
                reader.dispose();
            }
        }
        catch (IOException | RuntimeException e) {
            // ImageIO's messages name its classes; what the client needs is which instance.
            fail(at, "cannot be decoded as an image: its header is corrupt or cut off");
            return 0;
        }
    }

    private Input decode(String at, byte[] bytes) {
        try {
            return new Input.Image(Photos.decode(bytes));
        }
        catch (IOException e) {
            // A JPEG cut off in transit decodes with grey padding unless refused: say which instance.
            return fail(at, "cannot be decoded as an image: its data is corrupt or cut off (" + e.getMessage() + ")");
        }
    }

    private Input text(String at, JsonNode instance) {
        if (!instance.isString()) {
            return fail(at, "must be a string (this is a text model)");
        }
        return instance.asString().isBlank() ? fail(at, "is empty; a text model needs some text") : new Input.Text(instance.asString());
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
