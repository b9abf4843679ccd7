package dev.graft.basemodel;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.json.JsonMapper;

import dev.graft.web.ApiProblem;
import dev.graft.web.FieldError;

/** The {@code descriptor} part of an import: parsed, and checked field by field, in the wire's words. */
final class ImportDescriptors {

    // No '/' (ids are path segments) and no ':' (fine-tuned models are ft:…).
    private static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    private static final int MAX_SIDE = 1024;

    private final JsonMapper json;

    ImportDescriptors(JsonMapper json) {
        this.json = json;
    }

    /**
     * What the uploader says the module is. {@code embedding_size} is the number of values per
     * example the module returns, whether they are an embedding or logits.
     */
    record Descriptor(String id, String name, String format, String modality, List<Integer> inputShape,
            Normalisation normalisation, String output, Integer embeddingSize) {
    }

    /** Per-channel {@code (x - mean) / std} after scaling pixels to [0,1]. */
    record Normalisation(List<Float> mean, List<Float> std) {
    }

    Descriptor parse(String descriptorJson) {
        if (descriptorJson == null || descriptorJson.isBlank()) {
            throw ApiProblem.unprocessable(List.of(new FieldError("descriptor", "is required: a JSON object")));
        }
        try {
            return json.readValue(descriptorJson, Descriptor.class);
        }
        catch (JacksonException e) {
            if (e.getPath().isEmpty()) {
                throw ApiProblem.unprocessable(List.of(new FieldError("descriptor", e instanceof MismatchedInputException
                        ? "must be a JSON object" : "is not a valid descriptor object (not JSON"
                        + (e.getLocation() == null ? "" : " at column " + e.getLocation().getColumnNr()) + ")")));
            }
            // A value of the wrong type: name the field, in the wire's words rather than Jackson's Java types.
            throw ApiProblem.unprocessable(List.of(new FieldError(fieldOf(e), "must be " + jsonType(e))));
        }
    }

    /** {@code descriptor.input_shape}, {@code descriptor.normalisation.mean[1]}: where the bad value sits. */
    private static String fieldOf(JacksonException e) {
        StringBuilder field = new StringBuilder("descriptor");
        for (JacksonException.Reference ref : e.getPath()) {
            field.append(ref.getPropertyName() != null ? "." + ref.getPropertyName() : "[" + ref.getIndex() + "]");
        }
        return field.toString();
    }

    private static String jsonType(JacksonException e) {
        Class<?> target = e instanceof MismatchedInputException m ? m.getTargetType()
                : e instanceof InputCoercionException c ? c.getTargetType() : null;
        String range = e instanceof InputCoercionException ? " within range" : "";
        if (target == null) {
            return "a value of another type";
        }
        if (target == Integer.class || target == int.class || target == Long.class || target == long.class) {
            return "an integer" + range;
        }
        if (Number.class.isAssignableFrom(target) || target == float.class || target == double.class) {
            return "a number" + range;
        }
        if (target == String.class) {
            return "a string";
        }
        return java.util.Collection.class.isAssignableFrom(target) || target.isArray() ? "an array" : "an object";
    }

    static List<FieldError> validate(Descriptor d) {
        List<FieldError> errors = new ArrayList<>();
        if (d.id() != null && !SLUG.matcher(d.id()).matches()) {
            errors.add(new FieldError("descriptor.id", "must be 1-63 lower-case letters, digits, '.', '_' or '-'"));
        }
        if ("onnx".equals(d.format())) {
            // Planned: an ONNX module as a frozen feature extractor through ONNX Runtime.
            errors.add(new FieldError("descriptor.format", "'onnx' is not supported yet: export the module as "
                    + "TorchScript (torch.jit.save) or import a Graft artifact"));
        }
        else if (d.format() != null && !d.format().equals(ImportedBase.TORCHSCRIPT)) {
            errors.add(new FieldError("descriptor.format", "must be 'torchscript' or 'graft', was '" + d.format() + "'"));
        }
        if (!"image".equals(d.modality())) {
            errors.add(new FieldError("descriptor.modality", "must be 'image' (imported TorchScript takes images)"));
        }
        List<Integer> shape = d.inputShape();
        boolean shapeOk = shape != null && shape.size() == 3 && (shape.get(0) == 1 || shape.get(0) == 3)
                && shape.get(1) != null && shape.get(2) != null && shape.get(1) > 0 && shape.get(2) > 0
                && shape.get(1) <= MAX_SIDE && shape.get(2) <= MAX_SIDE;
        if (!shapeOk) {
            errors.add(new FieldError("descriptor.input_shape",
                    "must be [channels, height, width] with 1 or 3 channels and sides of 1 to " + MAX_SIDE));
        }
        if (!"embeddings".equals(d.output()) && !"logits".equals(d.output())) {
            errors.add(new FieldError("descriptor.output", "must be 'embeddings' or 'logits'"));
        }
        if (d.embeddingSize() == null || d.embeddingSize() < 1 || d.embeddingSize() > 65536) {
            errors.add(new FieldError("descriptor.embedding_size", "must be an integer from 1 to 65536"));
        }
        Normalisation n = d.normalisation();
        if (n != null && shapeOk) {
            int c = shape.get(0);
            if (n.mean() == null || n.mean().size() != c || n.mean().contains(null)) {
                errors.add(new FieldError("descriptor.normalisation.mean", "must hold " + c + " numbers, one per channel"));
            }
            if (n.std() == null || n.std().size() != c || n.std().stream().anyMatch(s -> s == null || !(s > 0))) {
                errors.add(new FieldError("descriptor.normalisation.std", "must hold " + c
                        + " positive numbers, one per channel"));
            }
        }
        return errors;
    }

    /** A Graft artifact describes itself; only the id and a modality to double-check come from the uploader. */
    static List<FieldError> validateGraft(Descriptor d) {
        List<FieldError> errors = new ArrayList<>();
        if (d.id() != null && !SLUG.matcher(d.id()).matches()) {
            errors.add(new FieldError("descriptor.id", "must be 1-63 lower-case letters, digits, '.', '_' or '-'"));
        }
        if (d.modality() != null && !List.of("image", "tabular", "text").contains(d.modality())) {
            errors.add(new FieldError("descriptor.modality", "must be image, tabular or text"));
        }
        return errors;
    }

    static float[] floats(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    /** Per-channel standard deviations of 1: no scaling beyond [0,1]. */
    static float[] ones(int n) {
        float[] out = new float[n];
        java.util.Arrays.fill(out, 1f);
        return out;
    }
}
