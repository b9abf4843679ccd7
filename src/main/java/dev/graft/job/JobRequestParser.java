package dev.graft.job;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;

import dev.graft.training.Hyperparameters;
import dev.graft.training.Strategy;
import dev.graft.web.ApiProblem;
import dev.graft.web.FieldError;

/**
 * Checks the shape of a job-creation body field by field, so that every problem comes back at
 * once with the JSON pointer of the field it concerns (a generic deserialiser stops at the
 * first and names Java types).
 */
final class JobRequestParser {

    /** The engine's strategies, by wire name: the one list. */
    static final List<String> STRATEGIES = Arrays.stream(Strategy.values()).map(Strategy::wireName).toList();
    private static final List<String> AUGMENT = Arrays.stream(Hyperparameters.Augment.values())
            .map(Hyperparameters.Augment::wireName).toList();
    private static final Set<String> FIELDS = Set.of("base_model", "dataset", "strategy", "hyperparameters",
            "validation_fraction", "seed", "suffix", "metadata", "priority", "compare_baseline", "max_duration");
    private static final Pattern SUFFIX = Pattern.compile("[a-z0-9][a-z0-9_-]{0,39}");

    /** Integer hyperparameters with their inclusive bounds. */
    private static final Map<String, long[]> INTEGERS = Map.of(
            "n_epochs", new long[] {1, 1000},
            "batch_size", new long[] {1, 4096},
            "early_stopping_patience", new long[] {0, 1000},
            "unfreeze_layers", new long[] {1, 1000});
    /** Real hyperparameters with their bounds, exclusive below and inclusive above. */
    private static final Map<String, double[]> REALS = Map.of(
            "learning_rate", new double[] {0, 10},
            "backbone_learning_rate_multiplier", new double[] {0, 1});
    /** Real hyperparameters with their bounds, both inclusive. */
    private static final Map<String, double[]> INCLUSIVE_REALS = Map.of("weight_decay", new double[] {0, 1});

    private final List<FieldError> errors = new ArrayList<>();
    private final long maxDurationLimit;

    private JobRequestParser(long maxDurationLimit) {
        this.maxDurationLimit = maxDurationLimit;
    }

    /** @param maxDurationLimit the largest {@code max_duration} allowed, in seconds */
    static JobSpec parse(JsonNode body, long maxDurationLimit) {
        return new JobRequestParser(maxDurationLimit).read(body);
    }

    private JobSpec read(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiProblem.unprocessable(List.of(new FieldError("", "the body must be a JSON object")));
        }
        body.propertyNames().forEach(name -> {
            if (!FIELDS.contains(name)) {
                errors.add(new FieldError("/" + name, name.equals("model") || name.equals("training_file")
                        ? "unknown field; Graft names it " + (name.equals("model") ? "base_model" : "dataset")
                        : "unknown field"));
            }
        });
        String baseModel = requiredString(body, "base_model");
        String dataset = requiredString(body, "dataset");
        String strategy = optionalString(body, "strategy");
        if (strategy != null && !STRATEGIES.contains(strategy)) {
            errors.add(new FieldError("/strategy", "must be one of " + String.join(", ", STRATEGIES)));
        }
        Map<String, Object> hyperparameters = hyperparameters(body.get("hyperparameters"));
        Double validationFraction = null;
        JsonNode vf = body.get("validation_fraction");
        if (vf != null && !vf.isNull()) {
            if (!vf.isNumber() || !(vf.asDouble() > 0 && vf.asDouble() < 1)) {
                errors.add(new FieldError("/validation_fraction", "must be a number greater than 0 and less than 1"));
            }
            else {
                validationFraction = vf.asDouble();
            }
        }
        Long seed = null;
        JsonNode s = body.get("seed");
        if (s != null && !s.isNull()) {
            if (!s.isIntegralNumber() || !s.canConvertToLong() || s.asLong() < 0) {
                errors.add(new FieldError("/seed", "must be a non-negative integer"));
            }
            else {
                seed = s.asLong();
            }
        }
        String suffix = optionalString(body, "suffix");
        if (suffix != null && !SUFFIX.matcher(suffix).matches()) {
            errors.add(new FieldError("/suffix", "must be 1-40 characters of a-z, 0-9, '-' and '_', starting with a letter or digit"));
        }
        Map<String, String> metadata = metadata(body.get("metadata"));
        int priority = 0;
        JsonNode p = body.get("priority");
        if (p != null && !p.isNull()) {
            if (!integerIn(p, -100, 100)) {
                errors.add(new FieldError("/priority", "must be an integer from -100 to 100"));
            }
            else {
                priority = p.asInt();
            }
        }
        boolean compareBaseline = false;
        JsonNode compare = body.get("compare_baseline");
        if (compare != null && !compare.isNull()) {
            if (!compare.isBoolean()) {
                errors.add(new FieldError("/compare_baseline", "must be true or false"));
            }
            else {
                compareBaseline = compare.asBoolean();
            }
        }
        Long maxDuration = null;
        JsonNode budget = body.get("max_duration");
        if (budget != null && !budget.isNull()) {
            if (!integerIn(budget, 1, maxDurationLimit)) {
                errors.add(new FieldError("/max_duration", "must be a whole number of seconds from 1 to " + maxDurationLimit
                        + " (graft.jobs.max-duration-limit)"));
            }
            else {
                maxDuration = budget.asLong();
            }
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.unprocessable(errors);
        }
        return new JobSpec(baseModel, dataset, strategy == null ? "auto" : strategy, hyperparameters, validationFraction,
                seed, suffix, metadata, priority, compareBaseline, maxDuration);
    }

    private Map<String, Object> hyperparameters(JsonNode node) {
        Map<String, Object> values = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return values;
        }
        if (!node.isObject()) {
            errors.add(new FieldError("/hyperparameters", "must be an object"));
            return values;
        }
        node.properties().forEach(entry -> {
            String name = entry.getKey();
            JsonNode value = entry.getValue();
            String pointer = "/hyperparameters/" + name;
            if (value.isString() && "auto".equals(value.asString())) {
                values.put(name, "auto");
                if (!INTEGERS.containsKey(name) && !REALS.containsKey(name) && !INCLUSIVE_REALS.containsKey(name)
                        && !name.equals("augment")) {
                    errors.add(new FieldError(pointer, "unknown hyperparameter"));
                }
            }
            else if (INTEGERS.containsKey(name)) {
                long[] range = INTEGERS.get(name);
                if (!integerIn(value, range[0], range[1])) {
                    errors.add(new FieldError(pointer, "must be an integer from " + range[0] + " to " + range[1] + ", or \"auto\""));
                }
                else {
                    values.put(name, value.asInt());
                }
            }
            else if (REALS.containsKey(name)) {
                double[] range = REALS.get(name);
                if (!value.isNumber() || !(value.asDouble() > range[0] && value.asDouble() <= range[1])) {
                    errors.add(new FieldError(pointer, "must be a number greater than " + fmt(range[0]) + " and at most "
                            + fmt(range[1]) + ", or \"auto\""));
                }
                else {
                    values.put(name, value.asDouble());
                }
            }
            else if (INCLUSIVE_REALS.containsKey(name)) {
                double[] range = INCLUSIVE_REALS.get(name);
                if (!value.isNumber() || !(value.asDouble() >= range[0] && value.asDouble() <= range[1])) {
                    errors.add(new FieldError(pointer, "must be a number from " + fmt(range[0]) + " to " + fmt(range[1])
                            + ", or \"auto\""));
                }
                else {
                    values.put(name, value.asDouble());
                }
            }
            else if (name.equals("augment")) {
                // true and false are the policies' older spelling: true adds flips, as it always did.
                if (value.isBoolean()) {
                    values.put(name, value.asBoolean() ? Hyperparameters.Augment.SHIFT_SCALE_FLIP.wireName()
                            : Hyperparameters.Augment.NONE.wireName());
                }
                else if (value.isString() && AUGMENT.contains(value.asString())) {
                    values.put(name, value.asString());
                }
                else {
                    errors.add(new FieldError(pointer, "must be one of " + String.join(", ", AUGMENT) + ", true, false or \"auto\""));
                }
            }
            else {
                errors.add(new FieldError(pointer, "unknown hyperparameter; known: n_epochs, batch_size, learning_rate, "
                        + "early_stopping_patience, backbone_learning_rate_multiplier, unfreeze_layers, weight_decay, augment"));
            }
        });
        return values;
    }

    private Map<String, String> metadata(JsonNode node) {
        Map<String, String> values = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            errors.add(new FieldError("/metadata", "must be an object of strings"));
            return null;
        }
        if (node.size() > 16) {
            errors.add(new FieldError("/metadata", "must have at most 16 keys"));
        }
        node.properties().forEach(entry -> {
            if (entry.getKey().length() > 64) {
                errors.add(new FieldError("/metadata/" + entry.getKey(), "keys must be at most 64 characters"));
            }
            if (!entry.getValue().isString() || entry.getValue().asString().length() > 512) {
                errors.add(new FieldError("/metadata/" + entry.getKey(), "must be a string of at most 512 characters"));
            }
            else {
                values.put(entry.getKey(), entry.getValue().asString());
            }
        });
        return values;
    }

    private String requiredString(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            errors.add(new FieldError("/" + field, "is required"));
            return null;
        }
        if (!node.isString() || node.asString().isBlank()) {
            errors.add(new FieldError("/" + field, "must be a non-empty string"));
            return null;
        }
        return node.asString();
    }

    private String optionalString(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            errors.add(new FieldError("/" + field, "must be a string"));
            return null;
        }
        return node.asString();
    }

    /** Jackson 3's {@code asLong()} throws on an integer beyond 64 bits, so range checks ask first. */
    private static boolean integerIn(JsonNode node, long min, long max) {
        return node.isIntegralNumber() && node.canConvertToLong() && node.asLong() >= min && node.asLong() <= max;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
