package dev.graft.transfer;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.springframework.http.HttpStatus;
import tools.jackson.databind.JsonNode;

import dev.graft.web.ApiProblem;
import dev.graft.web.FieldError;
import dev.graft.web.ProblemType;

/**
 * Checks the shape of a ranking request field by field, so that every malformed field comes back
 * at once (400) with its JSON pointer; whether the dataset and the bases exist is the service's
 * question (422).
 */
final class RankRequestParser {

    private static final Set<String> FIELDS = Set.of("dataset", "candidates", "sample_size", "seed");

    private final TransferProperties properties;
    private final List<FieldError> errors = new ArrayList<>();

    private RankRequestParser(TransferProperties properties) {
        this.properties = properties;
    }

    static RankRequest parse(JsonNode body, TransferProperties properties) {
        return new RankRequestParser(properties).read(body);
    }

    private RankRequest read(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw malformed(List.of(new FieldError("", "the body must be a JSON object")));
        }
        body.propertyNames().forEach(name -> {
            if (!FIELDS.contains(name)) {
                errors.add(new FieldError("/" + name, "unknown field"));
            }
        });
        String dataset = null;
        JsonNode d = body.get("dataset");
        if (d == null || d.isNull()) {
            errors.add(new FieldError("/dataset", "is required"));
        }
        else if (!d.isString() || d.asString().isBlank()) {
            errors.add(new FieldError("/dataset", "must be a dataset id (a non-empty string)"));
        }
        else {
            dataset = d.asString();
        }
        List<String> candidates = candidates(body.get("candidates"));
        int sampleSize = properties.defaultSampleSize();
        JsonNode s = body.get("sample_size");
        if (s != null && !s.isNull()) {
            if (!s.isIntegralNumber() || !s.canConvertToInt() || s.asInt() < 2 || s.asInt() > properties.maxSampleSize()) {
                errors.add(new FieldError("/sample_size", "must be an integer from 2 to " + properties.maxSampleSize()));
            }
            else {
                sampleSize = s.asInt();
            }
        }
        long seed = 0;
        JsonNode r = body.get("seed");
        if (r != null && !r.isNull()) {
            if (!r.isIntegralNumber() || !r.canConvertToLong() || r.asLong() < 0) {
                errors.add(new FieldError("/seed", "must be a non-negative integer"));
            }
            else {
                seed = r.asLong();
            }
        }
        if (!errors.isEmpty()) {
            throw malformed(errors);
        }
        return new RankRequest(dataset, candidates, sampleSize, seed);
    }

    private List<String> candidates(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray() || node.isEmpty()) {
            errors.add(new FieldError("/candidates", "must be a non-empty array of base model ids, or left out for all"));
            return null;
        }
        if (node.size() > properties.maxCandidates()) {
            errors.add(new FieldError("/candidates", "lists " + node.size() + " bases; at most "
                    + properties.maxCandidates() + " are ranked per request"));
            return null;
        }
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode id = node.get(i);
            if (!id.isString() || id.asString().isBlank()) {
                errors.add(new FieldError("/candidates/" + i, "must be a base model id (a non-empty string)"));
            }
            else {
                ids.add(id.asString());
            }
        }
        return ids;
    }

    private static ApiProblem malformed(List<FieldError> errors) {
        String detail = errors.size() == 1 ? errors.get(0).location() + ": " + errors.get(0).message()
                : errors.size() + " fields are malformed";
        return new ApiProblem(HttpStatus.BAD_REQUEST, ProblemType.INVALID_REQUEST, detail, errors, errors.size());
    }
}
