package dev.graft.inference;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartHttpServletRequest;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;

import dev.graft.security.Caller;
import dev.graft.web.ApiProblem;

/**
 * KServe V1's predict verb, {@code POST /v1/models/<id>:predict}. Fine-tuned ids contain colons
 * ({@code ft:arch-mlp:e2e:AbCd1234}); the {@code {id}} capture is greedy, so only the last
 * {@code :predict} is the verb.
 *
 * <p>The body is deliberately not a {@code @RequestBody} or {@code @RequestPart}: Spring would
 * read and parse it before the method runs. The key has been checked by then (the security
 * filters); the rate and the model are checked here, and only then is the body read, within
 * bounds (multipart forms are parsed lazily, see spring.servlet.multipart.resolve-lazily).
 */
@RestController
class PredictionController {

    private final InferenceService inference;
    private final PredictBodies bodies;

    PredictionController(InferenceService inference, PredictBodies bodies) {
        this.inference = inference;
        this.bodies = bodies;
    }

    @PostMapping(path = "/v1/models/{id}:predict", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    Predictions predict(Caller caller, @PathVariable String id, @RequestParam(name = "top_k", required = false) Integer topK,
            HttpServletRequest request) throws IOException {
        InferenceService.Admitted admitted = inference.admit(caller, id, topK);
        return inference.predict(admitted, bodies.json(request));
    }

    @PostMapping(path = "/v1/models/{id}:predict", consumes = MediaType.MULTIPART_FORM_DATA_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    Predictions predictFiles(Caller caller, @PathVariable String id, MultipartHttpServletRequest form) throws IOException {
        InferenceService.Admitted admitted = inference.admit(caller, id, topK(form));
        return inference.predictFiles(admitted, bodies.files(form));
    }

    /**
     * {@code top_k} from the query string alone: Tomcat answers {@code getParameter} on a
     * multipart request by parsing the whole form first, which is what must wait here.
     */
    private static Integer topK(HttpServletRequest request) {
        String query = request.getQueryString();
        String value = query == null ? null
                : UriComponentsBuilder.newInstance().query(query).build().getQueryParams().getFirst("top_k");
        if (value == null) {
            return null;
        }
        String decoded = UriUtils.decode(value, StandardCharsets.UTF_8);
        try {
            return Integer.valueOf(decoded.strip());
        }
        catch (NumberFormatException e) {
            throw ApiProblem.invalidField("top_k", "has an invalid value '" + decoded + "'");
        }
    }
}
